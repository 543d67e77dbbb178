"""A site at a glance: what the rules decided per day over the last 30 days, what the
moderators decided since, how long the queues are, and which rules fire most.

The rules' decisions are read from the events they wrote for new comments (actor "rules", no
previous status), so later moderator actions do not rewrite history; those actions are counted
apart, from the moderators' own events.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

import sqlalchemy as sa

from service.auth import Actor, require_site_access
from service.extensions import db
from service.models import Article, Comment, CommentStatus, ModerationEvent, Site
from service.services.comments.flags import thresholds
from service.services.administration.sites import get_site
from service.services.moderation import spam_filter
from service.services.moderation.policies import site_policy

DAYS = 30
DECISIONS = (("approved", "published"), ("pending", "held"), ("rejected", "rejected"), ("spam", "spam"))
TOP_RULES = 10
RULE_SAMPLE = 20_000  # newest decisions read for the rule ranking; bounds the cost on busy sites


@dataclass(frozen=True)
class DayCount:
    day: date
    counts: dict[str, int]  # decision label -> submissions

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class Overview:
    site: Site
    days: list[DayCount]
    queue: dict[str, int]
    top_rules: list[tuple[str, int]]
    spam_filter: spam_filter.FilterSummary | None = None  # what the learned filter held, and what became of it
    by_moderators: dict[str, int] | None = None  # status -> comments moderators moved to it in the period

    @property
    def totals(self) -> dict[str, int]:
        return {label: sum(d.counts[label] for d in self.days) for _, label in DECISIONS}


def site_overview(actor: Actor, slug: str, *, today: date | None = None) -> Overview:
    site = get_site(slug)
    require_site_access(actor, site.id)
    today = today or datetime.now(timezone.utc).date()
    first = today - timedelta(days=DAYS - 1)
    since = datetime.combine(first, datetime.min.time(), tzinfo=timezone.utc)
    return Overview(site=site, days=_per_day(site.id, first, since), queue=_queue_sizes(site),
                    top_rules=_top_rules(site.id, since),
                    spam_filter=spam_filter.summary(site.id, site_policy(site), DAYS),
                    by_moderators=_moderator_decisions(site.id, since))


def _day_expr():
    column = ModerationEvent.created_at
    if db.session.get_bind().dialect.name == "postgresql":
        return sa.func.date(sa.func.timezone("UTC", column))
    return sa.func.date(column)  # SQLite stores UTC text


def _new_comment_events(site_id: int, since: datetime):
    return (ModerationEvent.site_id == site_id, ModerationEvent.created_at >= since,
            ModerationEvent.actor == "rules", ModerationEvent.from_status.is_(None))


def _per_day(site_id: int, first: date, since: datetime) -> list[DayCount]:
    day = _day_expr()
    rows = db.session.execute(
        sa.select(day, ModerationEvent.to_status, sa.func.count())
        .where(*_new_comment_events(site_id, since))
        .group_by(day, ModerationEvent.to_status)
    ).all()
    labels = dict(DECISIONS)
    table: dict[date, dict[str, int]] = {first + timedelta(days=i): {label: 0 for _, label in DECISIONS}
                                         for i in range(DAYS)}
    for raw_day, status, count in rows:
        key = raw_day if isinstance(raw_day, date) else date.fromisoformat(str(raw_day))
        if key in table and status in labels:
            table[key][labels[status]] += count
    return [DayCount(d, counts) for d, counts in sorted(table.items())]


def _moderator_decisions(site_id: int, since: datetime) -> dict[str, int]:
    """Comments moderators approved, rejected, marked as spam or kept (a reported comment left
    published) in the period, each counted once, by the last decision a moderator made on it (an
    action undone, or changed, counts as what it became)."""
    last = (sa.select(sa.func.max(ModerationEvent.id))
            .where(ModerationEvent.site_id == site_id, ModerationEvent.created_at >= since,
                   ModerationEvent.actor == "moderator", ModerationEvent.action == "status",
                   ModerationEvent.from_status.is_not(None))
            .group_by(ModerationEvent.comment_id))
    kept = ModerationEvent.from_status == ModerationEvent.to_status
    rows = db.session.execute(
        sa.select(ModerationEvent.to_status, kept, sa.func.count())
        .where(ModerationEvent.id.in_(last)).group_by(ModerationEvent.to_status, kept)
    ).all()
    found = {("kept" if was_kept else status): int(count) for status, was_kept, count in rows}
    return {status: found.get(status, 0) for status in ("approved", "rejected", "spam", "kept")}


def _queue_sizes(site: Site) -> dict[str, int]:
    site_id = site.id
    pending = db.session.execute(
        sa.select(sa.func.coalesce(sa.func.sum(Article.pending_count), 0)).where(Article.site_id == site_id)
    ).scalar_one()
    articles = sa.select(Article.id).where(Article.site_id == site_id).scalar_subquery()
    reported = db.session.execute(
        sa.select(sa.func.count()).select_from(Comment)
        .where(Comment.article_id.in_(articles), Comment.flag_count > 0, Comment.flag_count >= thresholds(site)[0],
               Comment.status.in_([CommentStatus.APPROVED, CommentStatus.PENDING]))
    ).scalar_one()
    return {"pending": int(pending), "reported": int(reported)}


def _top_rules(site_id: int, since: datetime) -> list[tuple[str, int]]:
    rows = db.session.execute(
        sa.select(ModerationEvent.reasons)
        .where(*_new_comment_events(site_id, since))
        .order_by(ModerationEvent.id.desc()).limit(RULE_SAMPLE)
    ).scalars()
    fired: Counter[str] = Counter()
    for reasons in rows:
        for reason in reasons or []:
            if isinstance(reason, dict) and reason.get("code"):
                fired[str(reason["code"])] += 1
    return fired.most_common(TOP_RULES)


def chart(overview: Overview, *, width: int = 640, height: int = 200) -> dict:
    """Geometry of a stacked bar chart (one bar per day), for the template to draw as SVG."""
    peak = max((d.total for d in overview.days), default=0) or 1
    slot = width / len(overview.days)
    bars = []
    for index, day in enumerate(overview.days):
        y = float(height)
        segments = []
        for _, label in DECISIONS:
            value = day.counts[label]
            if not value:
                continue
            h = value / peak * height
            y -= h
            segments.append({"label": label, "value": value, "y": round(y, 2), "height": round(h, 2)})
        bars.append({"day": day.day, "total": day.total, "x": round(index * slot + 1, 2),
                     "width": round(max(slot - 2, 1), 2), "segments": segments})
    return {"width": width, "height": height, "peak": peak, "bars": bars,
            "labels": [label for _, label in DECISIONS]}
