"""The seam between the write path and the moderation rules: gather facts, ask the engine."""

from __future__ import annotations

from dataclasses import dataclass, field

from service.errors import Forbidden
from service.models import Article, Comment, Site

MESSAGES = {
    "approved": "Your comment is published.",
    "pending": "Your comment is awaiting moderation.",
    "rejected": "Your comment was not accepted.",
}


@dataclass(frozen=True)
class Outcome:
    status: str  # stored status
    public_status: str  # what the submitter is told
    reasons: list[dict] = field(default_factory=list)
    fingerprint: str = ""
    closed: bool = False

    @property
    def message(self) -> str:
        return MESSAGES[self.public_status]

    @property
    def public_reasons(self) -> list[dict]:
        if self.public_status != "rejected":
            return []
        return [{"code": r["code"], "message": r["message"]} for r in self.reasons if r["verdict"] == "reject"]


def decide_submission(site: Site, article: Article, data: dict, rendered, client, author_key_hash: str) -> Outcome:
    mode = article.mode or (site.policy or {}).get("mode", "post")
    if mode == "pre":
        reason = {"code": "pre_moderation", "verdict": "hold", "message": "Every comment on this site is reviewed.",
                  "matched": []}
        return Outcome("pending", "pending", [reason])
    return Outcome("approved", "approved", [])


def decide_edit(site: Site, comment: Comment, body: str, rendered, client) -> Outcome:
    return Outcome(comment.status.value, comment.status.value, [])


def refuse_if_closed(outcome: Outcome) -> None:
    if outcome.closed:
        raise Forbidden("Comments are closed on this article.")
