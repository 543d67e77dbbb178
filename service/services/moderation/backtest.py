"""Backtest: what a proposed policy would have decided for a site's stored comments."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import sqlalchemy as sa

from service.extensions import db
from service.models import Article, Comment, CommentStatus, ModerationEvent, Site
from service.moderation import engine
from service.moderation.policy import Policy
from service.moderation.sanitize import render_body
from service.moderation.types import Draft, Facts
from service.services.moderation.decisions import _blocks, trusted_domains
from service.services.moderation.spam_filter import current_model
from service.services.moderation.policies import validate_policy

BATCH = 1000


@dataclass
class BacktestReport:
    total: int = 0
    moves: Counter = field(default_factory=Counter)  # (old, new) -> count
    rules: Counter = field(default_factory=Counter)  # reason code -> count
    examples: dict = field(default_factory=dict)  # (old, new) -> [(id, excerpt, reasons)]

    @property
    def changed(self) -> int:
        return sum(n for (old, new), n in self.moves.items() if old != new)


def backtest(site: Site, policy: Policy, *, examples_per_move: int = 3, last: int | None = None) -> BacktestReport:
    """Re-run the rules over the site's stored comments and compare what they decide with each
    comment's status now, moderators' decisions included (a comment a moderator released that
    the policy would hold shows as approved -> pending); modifies nothing.

    Spam a moderator marked is judged too: whether a policy lets it through is what a site
    owner wants to know. Left out: deleted comments, and comments the rules put in spam on
    arrival (honeypot catches, whose evidence is not kept), as are facts that only existed at
    submission time (fill time, rate, repeat): the text, links, author and blocks are judged
    again.
    """
    report = BacktestReport()
    blocks = _blocks(site)
    model = current_model() if policy.spam_filter else None
    trusted = trusted_domains(site, policy)
    last_id = _first_of_last(site, last) - 1 if last else 0
    while True:
        rows = db.session.execute(
            sa.select(Comment.id, Comment.body, Comment.author, Comment.email, Comment.website, Comment.ip_hash,
                      Comment.status, Comment.created_at, Article.url)
            .join(Article, Article.id == Comment.article_id)
            .where(Article.site_id == site.id, Comment.id > last_id, _judged())
            .order_by(Comment.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return report
        for row in rows:
            draft = Draft(body=row.body, author=row.author, email=row.email, website=row.website,
                          ip_hash=row.ip_hash, links=render_body(row.body).links, fill_seconds=None,
                          page_url=row.url, trusted_domains=trusted)
            decision = engine.decide(draft, Facts(now=row.created_at, blocks=blocks, spam_model=model), policy)
            old = row.status.value
            move = (old, decision.status)
            report.total += 1
            report.moves[move] += 1
            report.rules.update(r.code for r in decision.reasons)
            if old != decision.status and len(report.examples.setdefault(move, [])) < examples_per_move:
                report.examples[move].append((row.id, _excerpt(row.body), [r.message for r in decision.reasons]))
        last_id = rows[-1].id


def _excerpt(body: str, limit: int = 80) -> str:
    """The start of a comment on one line, cut between words with an ellipsis when longer."""
    flat = " ".join(body.split())
    if len(flat) <= limit:
        return flat
    cut = flat[:limit].rsplit(" ", 1)[0] if " " in flat[:limit] else flat[:limit]
    return cut.rstrip(".,;:") + "…"


def _judged():
    """The comments a backtest judges again (see `backtest`)."""
    spam_on_arrival = sa.exists().where(
        ModerationEvent.comment_id == Comment.id, ModerationEvent.actor == "rules",
        ModerationEvent.from_status.is_(None), ModerationEvent.to_status == CommentStatus.SPAM.value)
    return sa.or_(Comment.status.in_([CommentStatus.APPROVED, CommentStatus.PENDING, CommentStatus.REJECTED]),
                  sa.and_(Comment.status == CommentStatus.SPAM, ~spam_on_arrival))


def _first_of_last(site: Site, n: int) -> int:
    """The id from which the site's last `n` judged comments run (1 when it has fewer)."""
    first = db.session.execute(
        sa.select(Comment.id).join(Article, Article.id == Comment.article_id)
        .where(Article.site_id == site.id, _judged())
        .order_by(Comment.id.desc()).offset(n - 1).limit(1)
    ).scalar_one_or_none()
    return first or 1


def backtest_proposal(site: Site, data: dict, last: int = 1000) -> BacktestReport:
    """What a proposed policy (not saved) would have decided for the site's last `last`
    comments: validated first, like a policy being saved (a clear 422 otherwise)."""
    return backtest(site, validate_policy(data), last=last)
