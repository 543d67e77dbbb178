"""The seam between the write path and the pure moderation engine: gather the facts the rules
need from the database, build the draft, and ask the engine."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from typing import NamedTuple

import sqlalchemy as sa

from service.errors import Forbidden
from service.extensions import db
from service.form_tokens import fill_seconds
from service.models import Article, Block, Comment, CommentStatus, Flag, ModerationEvent, PublicSite, Site, \
    count_where, utcnow
from service.moderation import engine
from service.moderation.policy import Policy, is_article_closed
from service.moderation.rules import STORED_DATA_CODES, link_host
from service.moderation.sanitize import RenderedBody, render_body
from service.moderation.text import fingerprint
from service.moderation.types import Block as BlockFact
from service.moderation.types import Decision, Draft, Facts
from service.services.comments import read_cache
from service.services.comments.articles import CommentTarget
from service.services.comments.rate_limits import enforce_submission_limits
from service.services.moderation.spam_filter import current_model

GENERIC_REFUSAL = {"code": "not_accepted", "message": "This comment cannot be accepted on this site."}
MESSAGES = {
    "approved": "Your comment is published.",
    "pending": "Your comment is awaiting moderation.",
    "rejected": "Your comment was not accepted.",
}


@dataclass(frozen=True)
class Outcome:
    """The engine's decision, in the terms the write path stores and answers with."""

    status: str  # stored status
    public_status: str  # what the submitter is told (spam looks like pending)
    reasons: list[dict] = field(default_factory=list)
    fingerprint: str = ""
    spam_score: float | None = None  # the learned filter's probability, stored with the comment

    @property
    def message(self) -> str:
        if self.public_status == "rejected":
            return " ".join([MESSAGES["rejected"], *(r["message"] for r in self.public_reasons)])
        return MESSAGES[self.public_status]

    @property
    def public_reasons(self) -> list[dict]:
        """Only a refusal explains itself to the submitter; a hold says nothing a spammer could tune to.

        A refusal names what is wrong with the submission itself. Matches against stored data
        (other comments, blocks, the author's record) become one generic reason, and only when
        nothing in the submission itself is wrong: otherwise a submission made to fail on
        purpose (a name too long) would still tell whether some address wrote a text."""
        if self.public_status != "rejected":
            return []
        refusals = [r for r in self.reasons if r["verdict"] == "reject"]
        own = [{"code": r["code"], "message": r["message"]} for r in refusals if r["code"] not in STORED_DATA_CODES]
        return own or [GENERIC_REFUSAL]


def _outcome(decision: Decision, body_print: str) -> Outcome:
    reasons = [{**asdict(r), "matched": list(r.matched)} for r in decision.reasons]
    return Outcome(decision.status, decision.public_status, reasons, body_print, decision.spam_score)


def refuse_if_closed(policy: Policy, article: Article | CommentTarget, now: datetime) -> None:
    # An imported article's age counts from its original publication, not from its import.
    if is_article_closed(policy, article.published_at or article.created_at, article.closed, now):
        raise Forbidden("Comments are closed on this article.")


def decide_submission(site: Site | PublicSite, article: CommentTarget, policy: Policy, data: dict,
                      rendered: RenderedBody, ip_hash: str, author_key_hash: str | None) -> Outcome:
    """Refuse (closed, rate-limited) before anything is stored, else decide."""
    now = utcnow()
    refuse_if_closed(policy, article, now)
    enforce_submission_limits(site.id, policy, ip_hash, data.get("email"))
    draft = build_draft(data, rendered, ip_hash, article.url, trusted_domains(site, policy))
    body_print = fingerprint(draft.body)
    facts = gather_facts(site, policy, draft, author_key_hash, now, body_print)
    return _outcome(engine.decide(draft, facts, policy), body_print)


# Modes where nothing appears unreviewed: an approved text replaced by its author is reviewed again.
REVIEWED_MODES = frozenset({"pre", "first-time"})
REVIEW_AFTER_EDIT = {"code": "edited_after_approval", "verdict": "hold", "matched": [],
                     "message": "Edited by its author after it was approved: reviewed again before it reappears."}
def build_draft(data: dict, rendered: RenderedBody, ip_hash: str, page_url: str | None = None,
                trusted: frozenset[str] = frozenset()) -> Draft:
    """What the engine sees of a submission's fields; `page_url` is the article's stored address
    (never the reader's word for it), `trusted` the domains whose links are no spam signal."""
    return Draft(body=data["body"], author=data["author"], email=data.get("email"), website=data.get("website"),
                 ip_hash=ip_hash, links=rendered.links, honeypot=data.get("homepage") or None,
                 fill_seconds=fill_seconds(data.get("form_token")), page_url=page_url, trusted_domains=trusted)


def trusted_domains(site: Site | PublicSite, policy: Policy) -> frozenset[str]:
    """The domains whose links are no spam signal on `site`: its own origins (a reader pointing
    to another of its articles) and its policy's `trusted_domains`."""
    own = origin_domains(tuple(site.origins or ()))
    return own | policy.trusted_domain_set if policy.trusted_domains else own


@lru_cache(maxsize=1024)
def origin_domains(origins: tuple[str, ...]) -> frozenset[str]:
    """The host names of a site's origins, without "www." (its links may leave it out)."""
    hosts = (link_host(origin) for origin in origins)
    return frozenset(host.removeprefix("www.") for host in hosts if host)


def screen_first_comment(data: dict, model, policy: Policy, page_url: str | None = None) -> Decision:
    """The decision for a first-time anonymous submission of `data` (body, author, optional
    email and website) on the page at `page_url`, with no blocks and no history: what
    `spam evaluate` and the evaluation measure, through the same draft and engine as a submission."""
    draft = build_draft({**data, "form_token": None}, render_body(data["body"]), "", page_url)
    return engine.decide(draft, Facts(now=utcnow(), spam_model=model), policy)


def decide_edit(site: Site, comment: Comment, policy: Policy, body: str, rendered: RenderedBody) -> Outcome:
    """An edit is judged like a new comment from the same author, except that the comment being
    edited neither repeats itself nor counts in its author's history (it would vouch for its
    own new text). It never makes a comment more public: a held comment stays held. Where the
    site or article reviews comments (`pre`, `first-time`), an approved comment whose text its
    author changes goes back to review, hidden until a moderator approves the new text."""
    draft = comment_draft(site, policy, comment, body, rendered)
    body_print = fingerprint(body)
    facts = gather_facts(site, policy, draft, comment.author_key_hash, utcnow(), body_print, exclude_id=comment.id)
    outcome = _outcome(engine.decide(draft, facts, policy), body_print)
    current = comment.status.value
    if current != "approved":
        return Outcome(current, current, outcome.reasons, outcome.fingerprint, outcome.spam_score)
    if outcome.status != "approved":
        return outcome
    if policy.mode in REVIEWED_MODES:
        return Outcome("pending", "pending", [*outcome.reasons, REVIEW_AFTER_EDIT], outcome.fingerprint,
                       outcome.spam_score)
    return outcome


def comment_draft(site: Site, policy: Policy, comment: Comment, body: str, rendered: RenderedBody) -> Draft:
    """A stored comment as the engine sees it, with `body` (rendered as `rendered`) as its text."""
    return Draft(body=body, author=comment.author, email=comment.email, website=comment.website,
                 ip_hash=comment.ip_hash, links=rendered.links, fill_seconds=None, page_url=comment.article.url,
                 trusted_domains=trusted_domains(site, policy))


def evaluate_draft(site: Site, policy: Policy, data: dict) -> Decision:
    """The dry run: the engine's verdict for a draft, with today's facts, storing nothing."""
    rendered = render_body(data.get("body", ""))
    draft = Draft(body=data.get("body", ""), author=data.get("author", ""), email=data.get("email"),
                  website=data.get("website"), ip_hash=data.get("ip_hash", ""), links=rendered.links,
                  fill_seconds=data.get("fill_seconds"), trusted_domains=trusted_domains(site, policy))
    facts = gather_facts(site, policy, draft, None, utcnow(), fingerprint(draft.body))
    return engine.decide(draft, facts, policy)


def gather_facts(site: Site | PublicSite, policy: Policy, draft: Draft, author_key_hash: str | None, now: datetime,
                 body_print: str, exclude_id: int | None = None) -> Facts:
    """`body_print` is the draft's fingerprint, computed once by the caller, which also stores it.
    `exclude_id` is the comment being edited: neither a repeat of itself nor its own history."""
    history = _author_history(site.id, author_key_hash, policy, now, exclude_id)
    same_text = _same_text(site.id, policy, draft, body_print, now, exclude_id)
    return Facts(
        now=now,
        author_approved=history.trusted,
        author_rejected=history.rejected,
        duplicate_recent=same_text.repeat,
        copies_recent=same_text.copies,
        blocks=_blocks(site),
        moderator_approvals=history.moderator_approvals,
        spam_model=current_model() if policy.spam_filter else None,
    )



@dataclass(frozen=True)
class AuthorHistory:
    trusted: int = 0  # approved comments that earn trust (see _author_history)
    rejected: int = 0  # rejected or spam
    moderator_approvals: int = 0


_BY_MODERATOR = sa.exists().where(ModerationEvent.comment_id == Comment.id, ModerationEvent.actor == "moderator")
_APPROVED_BY_MODERATOR = sa.exists().where(ModerationEvent.comment_id == Comment.id,
                                           ModerationEvent.actor == "moderator", ModerationEvent.action == "status",
                                           ModerationEvent.to_status == CommentStatus.APPROVED.value)
_REPORTED = sa.exists().where(Flag.comment_id == Comment.id)


def _author_history(site_id: int, author_key_hash: str | None, policy: Policy, now: datetime,
                    exclude_id: int | None = None) -> AuthorHistory:
    """Trust is keyed by the author token the service handed this reader with their first
    comment, never by a name or an email anyone could type.

    An approved comment earns trust only when a moderator approved it, or when it stayed
    published `trust_after_days` with no reader report and no moderator action: a comment the
    rules published at once proves nothing yet, or one harmless comment would unlock the next.
    The comment being edited (`exclude_id`) never vouches for itself."""
    if not author_key_hash:
        return AuthorHistory()
    approved = Comment.status == CommentStatus.APPROVED
    settled = sa.and_(approved, ~_BY_MODERATOR, ~_REPORTED, Comment.flag_count == 0,
                      Comment.created_at <= now - timedelta(days=policy.trust_after_days))
    query = (sa.select(count_where(sa.and_(approved, _APPROVED_BY_MODERATOR)), count_where(settled),
                       count_where(Comment.status.in_([CommentStatus.REJECTED, CommentStatus.SPAM])))
             .select_from(Comment).join(Article, Article.id == Comment.article_id)
             .where(Comment.author_key_hash == author_key_hash, Article.site_id == site_id,
                    Comment.status.in_([CommentStatus.APPROVED, CommentStatus.REJECTED, CommentStatus.SPAM])))
    if exclude_id is not None:
        query = query.where(Comment.id != exclude_id)
    by_moderator, aged, rejected = db.session.execute(query).one()
    return AuthorHistory(trusted=int(by_moderator) + int(aged), rejected=int(rejected),
                         moderator_approvals=int(by_moderator))



# Copies from other senders are counted up to this many: enough for any message, and a bound on
# what one submission reads during a large campaign.
COPIES_COUNTED = 100


def _same_text_query(by_email: bool) -> sa.Select:
    """One statement, one round trip: (whether the sender already posted the text, how many
    comments from others carry it). The sender test is kept from the address and email indexes
    (a column inside a function is not looked up through an index), so that every planner reads
    the few comments with this text, never all recent comments of one busy address."""
    same_sender = sa.func.coalesce(Comment.ip_hash, "") == sa.bindparam("ip_hash")
    if by_email:
        same_sender = sa.or_(same_sender, sa.func.coalesce(Comment.email, "") == sa.bindparam("email"))
    with_text = (sa.select(Comment.id)
                 .join(Article, Article.id == Comment.article_id)
                 .where(Comment.fingerprint == sa.bindparam("fingerprint"), Article.site_id == sa.bindparam("site"),
                        Comment.created_at >= sa.bindparam("since", type_=Comment.created_at.type),
                        Comment.id != sa.bindparam("exclude")))
    repeat = sa.exists(with_text.where(same_sender))
    others = with_text.where(sa.not_(same_sender)).limit(COPIES_COUNTED).subquery()
    copies = sa.select(sa.func.count()).select_from(others).scalar_subquery()
    return sa.select(repeat.label("repeat"), copies.label("copies"))


# Built once (with and without an email): every submission asks.
_SAME_TEXT = {by_email: _same_text_query(by_email) for by_email in (False, True)}


class SameText(NamedTuple):
    repeat: bool = False  # the sender posted it already
    copies: int = 0  # comments from other senders carry it (at most COPIES_COUNTED)


def _same_text(site_id: int, policy: Policy, draft: Draft, body_print: str, now: datetime,
               exclude_id: int | None) -> SameText:
    """The same text on this site within the repeat window, from this sender and from others
    (a window of 0 turns both checks off, and then nothing is read)."""
    if not policy.repeat_window_minutes:
        return SameText()
    params = {"ip_hash": draft.ip_hash, "email": draft.email, "fingerprint": body_print,
              "site": site_id, "since": now - timedelta(minutes=policy.repeat_window_minutes),
              "exclude": -1 if exclude_id is None else exclude_id}
    repeat, copies = db.session.connection().execute(_SAME_TEXT[bool(draft.email)], params).one()
    return SameText(bool(repeat), int(copies))


def _blocks(site: Site | PublicSite) -> tuple[BlockFact, ...]:
    """The site's blocks, kept per process for the site's configuration version (which every
    block change bumps), so a block made through any process applies from the next request."""
    site_id = site.id

    def load() -> tuple[BlockFact, ...]:
        rows = db.session.execute(
            sa.select(Block.kind, Block.value, Block.expires_at).where(Block.site_id == site_id)
        ).all()
        return tuple(BlockFact(kind, value, expires_at) for kind, value, expires_at in rows)

    return read_cache.remember(("blocks", site_id), load, site.config_version)


def forget_blocks(site_id: int) -> None:
    read_cache.forget(("blocks", site_id))
