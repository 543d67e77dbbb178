"""A site administered from the web: each change goes through the same service function the
CLI and the API use, and writes an AdminEvent (who, what) in the same transaction.

The wrapped functions commit themselves; the event is added to the session first, so their
commit carries it, and a refusal (they raise before committing) rolls it back with the rest.
"""

from __future__ import annotations

from typing import Callable, TypeVar

import sqlalchemy as sa

from service.embed.settings import configure_site
from service.errors import Conflict, NotFound, ServiceError, field_error
from service.extensions import db
from service.models import AdminEvent, ApiToken, Moderator, Site, api_token_site, moderator_site
from service.moderation.policy import domain_key
from service.services.administration import moderators, sites, tokens
from service.services.delivery import webhooks
from service.services.moderation import policies

T = TypeVar("T")
MAX_NAME_LENGTH = 200
MAX_ORIGINS = 50
RESERVED_SLUGS = frozenset({"new"})  # /moderate/sites/new is the form, not a site's page


def _event(actor, site: Site | None, action: str, **detail) -> AdminEvent:
    event = AdminEvent(site_id=site.id if site is not None else None, moderator_id=actor.moderator_id,
                       actor=actor.label, action=action, detail=detail)
    db.session.add(event)
    return event


def _audited(actor, site: Site, action: str, detail: dict, change: Callable[[], T]) -> T:
    _event(actor, site, action, **detail)
    try:
        return change()
    except BaseException:
        db.session.rollback()
        raise


def events(site: Site, limit: int = 30) -> list[AdminEvent]:
    return list(db.session.execute(
        sa.select(AdminEvent).where(AdminEvent.site_id == site.id).order_by(AdminEvent.id.desc()).limit(limit)
    ).scalars())


def _name(name: str | None) -> str:
    name = (name or "").strip()
    if not name or len(name) > MAX_NAME_LENGTH or not name.isprintable():
        raise field_error("name", f"Name the site in 1 to {MAX_NAME_LENGTH} printable characters.")
    return name


def _origins(origins) -> list[str]:
    cleaned = list(dict.fromkeys(sites.normalize_origin(o) for o in origins if o.strip()))
    if len(cleaned) > MAX_ORIGINS:
        raise field_error("origins", f"At most {MAX_ORIGINS} origins.")
    return cleaned


def _origin_error(exc: ServiceError) -> ServiceError:
    return field_error("origins", exc.description) if not exc.errors else exc


def create_site(actor, slug: str, name: str | None, origins, mode: str) -> Site:
    """Create a site; the event is written with it (a second step: the site needs its id)."""
    name = _name(name or slug)
    try:
        clean = _origins(origins)
    except ServiceError as exc:
        raise _origin_error(exc) from None
    if mode not in sites.MODES:
        raise field_error("mode", f"One of {', '.join(sites.MODES)}.")
    if not sites.SLUG.fullmatch(slug or ""):
        raise field_error("slug", "1-64 lowercase letters, digits and dashes, starting with a letter or digit.")
    if slug in RESERVED_SLUGS:
        raise field_error("slug", f"{slug!r} names a page of the web admin; choose another slug.")
    try:
        site = sites.create_site(slug, name, tuple(clean), mode)
    except Conflict as exc:
        raise field_error("slug", exc.description) from None
    _event(actor, site, "site.created", slug=site.slug, name=site.name, origins=site.origins, mode=mode)
    db.session.commit()
    return site


def update_site(actor, site: Site, name: str, origins, mode: str) -> Site:
    """Name, origins and moderation mode (the policy's `mode`; its other keys stay)."""
    name = _name(name)
    try:
        clean = _origins(origins)
    except ServiceError as exc:
        raise _origin_error(exc) from None
    if mode not in sites.MODES:
        raise field_error("mode", f"One of {', '.join(sites.MODES)}.")
    stored = dict(site.policy or {})
    detail = {"name": name, "origins": clean, "mode": mode}

    def change() -> Site:
        site.name, site.origins = name, clean
        policies.set_policy(site, {**stored, "mode": mode})  # validates and commits
        return site

    return _audited(actor, site, "site.updated", detail, change)


def configure_widget(actor, site: Site, changes: dict, reset_theme: bool, features: dict) -> dict:
    """Language, order, reply depth and theme (the `sites configure` command's function), and
    the reader-facing policy keys (votes, avatars...) given in `features`."""
    detail = {k: v for k, v in changes.items() if v is not None} | features | {"reset_theme": reset_theme}

    def change() -> dict:
        if features:
            policies.validate_policy({**(site.policy or {}), **features})
            site.policy = {**(site.policy or {}), **features}
        return configure_site(site.slug, changes, reset_theme=reset_theme)

    return _audited(actor, site, "site.widget", detail, change)


def save_policy(actor, site: Site, data: dict) -> dict:
    """Replace the site's moderation policy (see `policies.set_policy`), recording which keys
    changed (their names: a word list can be long, and the policy page shows the values)."""
    before = policies.get_policy(site)
    after = policies.dump_policy(policies.validate_policy(data))
    changed = sorted(key for key in after if after[key] != before.get(key))
    return _audited(actor, site, "policy.saved", {"changed": changed}, lambda: policies.set_policy(site, data))


def trust_link_domain(actor, site: Site, domain: str) -> dict:
    """Add `domain` to the site's `trusted_domains` (an administrator's shortcut from a comment's
    page), every other key stored as it was; nothing changes when it is there already."""
    stored = dict(site.policy or {})
    current = list(stored.get("trusted_domains") or [])
    if domain_key(domain) in current:
        return policies.get_policy(site)
    return save_policy(actor, site, {**stored, "trusted_domains": [*current, domain]})


def add_webhook(actor, site: Site, url: str, events_: list[str], secret: str | None):
    return _audited(actor, site, "webhook.added", {"url": url, "events": list(events_)},
                    lambda: webhooks.create_webhook(site, url, events_, secret or None))


def set_webhook_active(actor, site: Site, webhook_id: int, active: bool):
    return _audited(actor, site, "webhook.enabled" if active else "webhook.disabled", {"id": webhook_id},
                    lambda: webhooks.set_webhook_active(webhook_id, site, active))


def test_webhook(actor, site: Site, webhook_id: int):
    return _audited(actor, site, "webhook.tested", {"id": webhook_id},
                    lambda: webhooks.queue_test_delivery(webhook_id, site))


def remove_webhook(actor, site: Site, webhook_id: int):
    return _audited(actor, site, "webhook.removed", {"id": webhook_id},
                    lambda: webhooks.delete_webhook(webhook_id, site))


def site_moderators(site: Site) -> list[Moderator]:
    """The site's own moderators (administrators moderate every site and are not listed)."""
    return list(db.session.execute(
        sa.select(Moderator).join(moderator_site, moderator_site.c.moderator_id == Moderator.id)
        .where(moderator_site.c.site_id == site.id).order_by(Moderator.email)
    ).scalars())


def add_moderator(actor, site: Site, email: str) -> tuple[Moderator, str | None]:
    """Give an account this site, creating it when there is none: (moderator, the new
    account's generated password, shown once; None for an existing account)."""
    email = moderators.normalize_email(email)
    try:
        existing = moderators.get_moderator_by_email(email)
    except NotFound:
        password = moderators.generate_password()
        moderator = _audited(actor, site, "moderator.created", {"email": email},
                             lambda: moderators.create_moderator(email, password, site_slugs=[site.slug]))
        return moderator, password
    if existing.is_admin:
        raise field_error("email", f"{email} is an administrator and moderates every site already.")
    slugs = [s.slug for s in existing.sites]
    if site.slug in slugs:
        raise field_error("email", f"{email} moderates this site already.")
    moderator = _audited(actor, site, "moderator.added", {"email": email},
                         lambda: moderators.assign_sites(existing.id, [*slugs, site.slug]))
    return moderator, None


def remove_moderator(actor, site: Site, moderator_id: int) -> Moderator:
    moderator = moderators.get_moderator(moderator_id)
    slugs = [s.slug for s in moderator.sites]
    if site.slug not in slugs:
        raise NotFound(f"{moderator.email} does not moderate {site.slug!r}.")
    return _audited(actor, site, "moderator.removed", {"email": moderator.email},
                    lambda: moderators.assign_sites(moderator.id, [s for s in slugs if s != site.slug]))


def site_tokens(site: Site) -> list[ApiToken]:
    """The tokens that may moderate this site (admin tokens are on the Tokens page)."""
    return list(db.session.execute(
        sa.select(ApiToken).join(api_token_site, api_token_site.c.api_token_id == ApiToken.id)
        .where(api_token_site.c.site_id == site.id).order_by(ApiToken.id)
    ).scalars())


def create_token(actor, site: Site, name: str) -> tuple[ApiToken, str]:
    return _audited(actor, site, "token.created", {"name": (name or "").strip()[:100]},
                    lambda: tokens.create_token(name, False, [site.slug]))


def revoke_token(actor, site: Site, token_id: int) -> ApiToken:
    token = tokens.get_token(token_id)
    if site.id not in {s.id for s in token.sites}:
        raise NotFound(f"No API token {token_id} for {site.slug!r}.")
    return _audited(actor, site, "token.revoked", {"name": token.name},
                    lambda: tokens.revoke_token(token_id))
