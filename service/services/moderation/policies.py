"""Site moderation policies: load (cached), show, replace, dry-run; and what a comment's page
offers from them (the hosts it may trust, what the spam filter makes of its text now)."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, replace
from functools import lru_cache

from marshmallow import ValidationError

from service.errors import Unprocessable
from service.extensions import db
from service.models import Article, CommentStatus, PublicSite, Site
from service.moderation.policy import Policy, dump_policy, listed_domain, load_policy
from service.moderation.rules import draft_features, link_host, spam_threshold
from service.moderation.sanitize import render_body
from service.moderation.spam_features import describe, website_trades
from service.services.moderation import decisions
from service.services.moderation.spam_filter import current_model
from service.services.comments.articles import CommentTarget

MODE_OVERRIDES = ("pre", "post", "first-time")
log = logging.getLogger(__name__)


@lru_cache(maxsize=256)
def _load(policy_json: str) -> Policy:
    # Validating and compiling 1,000-word lists costs milliseconds; stored policies change
    # rarely, so each distinct policy is loaded once per process.
    data = json.loads(policy_json)
    try:
        return load_policy(data)
    except ValidationError as exc:
        # Only `set_policy` writes policies, and it validates; a row edited by hand (or by an
        # older version) must not stop comments: the invalid keys take their defaults.
        log.error("Stored policy has invalid keys %s; using their defaults", sorted(exc.messages))
        return load_policy({key: value for key, value in data.items() if key not in exc.messages})


def site_policy(site: Site | PublicSite) -> Policy:
    return _load(json.dumps(site.policy or {}, sort_keys=True))


def effective_policy(site: Site | PublicSite, article: Article | CommentTarget | None) -> Policy:
    """The site's policy with the article's own mode, if it has one."""
    policy = site_policy(site)
    if article is not None and article.mode and article.mode != policy.mode:
        policy = replace(policy, mode=article.mode)
    return policy


def get_policy(site: Site) -> dict:
    return dump_policy(site_policy(site))


def validate_policy(data: dict) -> Policy:
    if not isinstance(data, dict):
        raise Unprocessable("A policy is a JSON object.", errors={"json": {"_schema": ["Expected an object."]}})
    try:
        return load_policy(data)
    except ValidationError as exc:
        raise Unprocessable("The policy is not valid; see errors.", errors={"json": exc.messages}) from None


def set_policy(site: Site, data: dict) -> dict:
    """Replace the site's policy. Keys left out take their defaults; only the keys given are
    stored, so a later improvement of a default reaches sites that never chose otherwise."""
    policy = validate_policy(data)
    full = dump_policy(policy)
    site.policy = {key: full[key] for key in data}
    db.session.commit()
    return full


def trust_candidates(site: Site, comment) -> list[str]:
    """The hosts a comment links to (its text's links, then its website) that its site neither
    trusts (its origins, `trusted_domains`) nor blocks, in order, without "www.": what an
    administrator may trust from the comment's page. Not offered, since one click would make a
    spammer's site a trusted one: a host that names what spam sells (casino-bonus.example), and
    any host of a comment marked as spam or that the filter would hold even with every host
    offered trusted (its links are not what makes it spam)."""
    if comment.status == CommentStatus.SPAM:
        return []
    policy = site_policy(site)
    trusted = decisions.trusted_domains(site, policy)
    rendered = render_body(comment.body)
    hosts: list[str] = []
    for url in (*rendered.links, *([comment.website] if comment.website else [])):
        host = link_host(url)
        host = host.removeprefix("www.") if host else None
        if (host and "." in host and host not in hosts and listed_domain(host, trusted) is None
                and listed_domain(host, policy.blocked_domain_set) is None and not website_trades(host, "")):
            hosts.append(host)
    if hosts and _spam_even_if_trusted(site, policy, comment, rendered, hosts):
        return []
    return hosts


def _spam_even_if_trusted(site: Site, policy: Policy, comment, rendered, hosts: list[str]) -> bool:
    model = current_model()
    if not policy.spam_filter or model is None:
        return False
    draft = decisions.comment_draft(site, policy, comment, comment.body, rendered)
    draft = replace(draft, trusted_domains=draft.trusted_domains | frozenset(hosts))
    return model.probability(draft_features(draft)) >= spam_threshold(model, policy)


@dataclass(frozen=True)
class SpamExplanation:
    """What the model in service makes of a stored comment's text now."""

    score: float
    threshold: float  # the site holds from this score
    toward_spam: str  # the features that push the score up most, in words ("a link, 'check out'")
    toward_legitimate: str  # those that pull it down most ("'recipe', the name 'ann'")


def spam_explanation(site: Site, comment) -> SpamExplanation | None:
    """The score the model in service gives the comment's text now, beside the one stored when
    it arrived (an older model's, or the same): for a moderator on the comment's page, with what
    weighs toward spam in it and what against. None when the site turned the filter off or no
    model is loaded."""
    policy = site_policy(site)
    model = current_model()
    if not policy.spam_filter or model is None:
        return None
    draft = decisions.comment_draft(site, policy, comment, comment.body, render_body(comment.body))
    features = draft_features(draft)
    score = model.score(features)
    # A phrase whose pieces weigh both ways is named once, where the score puts it.
    against = [f for f in model.toward_legitimate(features) if f not in score.top]
    return SpamExplanation(score.value, spam_threshold(model, policy), _in_words(score.top), _in_words(against))


def _in_words(features) -> str:
    return ", ".join(describe(f) for f in features)


def dry_run(site: Site, draft: dict, policy: Policy | None = None) -> dict:
    """What the rules would decide for a draft comment under the site's policy (or `policy`, a
    proposal not saved); stores nothing."""
    decision = decisions.evaluate_draft(site, policy or site_policy(site), draft)
    return {"status": decision.status, "public_status": decision.public_status, "verdict": decision.verdict,
            "reasons": [reason_dict(r) for r in decision.reasons]}


def reason_dict(reason) -> dict:
    return {"code": reason.code, "verdict": reason.verdict, "message": reason.message,
            "matched": list(reason.matched)}
