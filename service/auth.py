"""Who is calling: a logged-in moderator (Flask-Login session) or an API token (Bearer).

Everything that guards a moderator route goes through `current_actor` / `require_actor` and
the two `require_*` checks, so the UI and the API share one notion of roles and sites.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask import Flask, current_app, g, request, session
from flask_login import current_user, login_user, logout_user
from flask_wtf.csrf import generate_csrf, validate_csrf
from wtforms import ValidationError

from service.errors import Forbidden, Unauthorized
from service.extensions import db, login_manager
from service.models import MAX_ID, ApiToken, Moderator, moderator_site, utcnow
from service.security import hash_token

LAST_USED_RESOLUTION = timedelta(minutes=1)  # token bookkeeping writes at most once a minute
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@dataclass(frozen=True)
class Actor:
    kind: str  # "moderator" | "token"
    id: int  # moderator id or token id
    is_admin: bool
    site_ids: frozenset[int]  # sites this actor may moderate (ignored when is_admin)
    moderator_id: int | None  # for audit events (None for tokens)
    label: str  # the moderator's email, or "token:NAME"

    def can_access(self, site_id: int) -> bool:
        return self.is_admin or site_id in self.site_ids


class SessionUser:
    """What Flask-Login keeps for a logged-in moderator: a snapshot of their row and sites,
    read on every request by one query (`_load_session_user`).

    The session id is "moderator id:session nonce": rotating the nonce (password change,
    log out everywhere, deactivation) makes every earlier session and remember cookie stale.
    """

    is_authenticated = True
    is_anonymous = False

    def __init__(self, id: int, email: str, is_admin: bool, active: bool, session_nonce: str,
                 site_ids: frozenset[int]) -> None:
        self.id = id
        self.email = email
        self.is_admin = is_admin
        self.is_active = active
        self.session_nonce = session_nonce
        self.site_ids = site_ids

    @classmethod
    def of(cls, moderator: Moderator) -> SessionUser:
        return cls(moderator.id, moderator.email, moderator.is_admin, moderator.active, moderator.session_nonce,
                   frozenset(site.id for site in moderator.sites))

    def get_id(self) -> str:
        return f"{self.id}:{self.session_nonce}"


# The moderator and their sites in one round trip: a row per site (one with a NULL site for a
# moderator of none). Every moderator page and session-authenticated API call runs it, on the
# session's connection: plain rows need nothing of the ORM.
_SESSION_USER = (
    sa.select(Moderator.id, Moderator.email, Moderator.is_admin, Moderator.active, Moderator.session_nonce,
              moderator_site.c.site_id)
    .outerjoin(moderator_site, moderator_site.c.moderator_id == Moderator.id)
    .where(Moderator.id == sa.bindparam("moderator_id"))
)


@login_manager.user_loader
def _load_session_user(session_id: str) -> SessionUser | None:
    moderator_id, _, nonce = (session_id or "").partition(":")
    if not moderator_id.isdigit() or int(moderator_id) > MAX_ID:
        return None
    rows = db.session.connection().execute(_SESSION_USER, {"moderator_id": int(moderator_id)}).all()
    if not rows:
        return None
    id_, email, is_admin, active, session_nonce, _ = rows[0]
    if not active or session_nonce != nonce:
        return None
    return SessionUser(id_, email, is_admin, active, session_nonce,
                       frozenset(row.site_id for row in rows if row.site_id is not None))


def login_moderator(moderator: Moderator, remember: bool = False) -> None:
    """Start a fresh session for `moderator`: whatever the old session held is dropped, so a
    session id planted before login is worthless after it."""
    session.clear()
    login_user(SessionUser.of(moderator), remember=remember, fresh=True)
    # The new session's CSRF token travels with the login's cookie rather than with the next
    # page's: a token this request made before the session was cleared is dropped first.
    g.pop(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)
    generate_csrf()


def logout_moderator() -> None:
    """End the session for good. The session lives in a signed cookie, so a copy of it taken
    before logout would stay valid: rotating the moderator's nonce voids every copy (and the
    moderator's sessions on other devices, which is what "log out" promises here)."""
    if current_user and current_user.is_authenticated:
        moderator = db.session.get(Moderator, current_user.id)
        if moderator is not None:
            moderator.session_nonce = secrets.token_hex(16)
            db.session.commit()
    logout_user()
    session.clear()
    g.pop("_actor", None)


def _bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip() or ""


def _token_actor(token: str) -> Actor:
    if not token or len(token) > 200:
        raise _invalid_token()
    row = db.session.execute(
        sa.select(ApiToken).where(ApiToken.token_hash == hash_token(token))
    ).scalar_one_or_none()
    if row is None or row.revoked_at is not None:
        raise _invalid_token()
    _touch(row)
    return Actor(kind="token", id=row.id, is_admin=row.is_admin,
                 site_ids=frozenset(site.id for site in row.sites), moderator_id=None,
                 label=f"token:{row.name}")


def _touch(row: ApiToken) -> None:
    """Record use, but not on every request: one small write per token per minute at most."""
    now = utcnow()
    if row.last_used_at is not None and now - row.last_used_at < LAST_USED_RESOLUTION:
        return
    db.session.execute(
        sa.update(ApiToken)
        .where(ApiToken.id == row.id,
               sa.or_(ApiToken.last_used_at.is_(None), ApiToken.last_used_at < now - LAST_USED_RESOLUTION))
        .values(last_used_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def _invalid_token() -> Unauthorized:
    return Unauthorized("This API token is not valid or has been revoked.",
                        headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})


def _moderator_actor(user: SessionUser) -> Actor:
    return Actor(kind="moderator", id=user.id, is_admin=user.is_admin, site_ids=user.site_ids,
                 moderator_id=user.id, label=user.email)


def current_actor() -> Actor | None:
    """The bearer token when one is sent (a bad one is a 401, never a fallback to the
    session), else the logged-in moderator, else None. Computed once per request."""
    if "_actor" in g:
        return g._actor
    token = _bearer_token()
    if token is not None:
        actor = _token_actor(token)
    elif current_user and current_user.is_authenticated:
        actor = _moderator_actor(current_user)
    else:
        actor = None
    g._actor = actor
    return actor


def require_actor() -> Actor:
    actor = current_actor()
    if actor is None:
        raise Unauthorized("Log in, or send an API token as 'Authorization: Bearer TOKEN'.",
                           headers={"WWW-Authenticate": "Bearer"})
    return actor


def require_site_access(actor: Actor, site_id: int) -> None:
    if not actor.can_access(site_id):
        raise Forbidden("You do not moderate this site.")


def require_admin(actor: Actor) -> None:
    if not actor.is_admin:
        raise Forbidden("Only administrators may do this.")


def require_api_actor() -> Actor:
    """`require_actor` for JSON API routes. A session-authenticated write must also carry the
    CSRF token (X-CSRFToken header): a cookie alone must not be enough to act. Tokens are
    sent deliberately by their holder and need no CSRF token."""
    actor = require_actor()
    if (actor.kind == "moderator" and request.method in UNSAFE_METHODS
            and current_app.config.get("WTF_CSRF_ENABLED", True)):
        try:
            validate_csrf(request.headers.get("X-CSRFToken") or request.headers.get("X-CSRF-Token"))
        except ValidationError:
            raise Forbidden("Send the page's CSRF token in the X-CSRFToken header.") from None
    return actor


def guard_api() -> None:
    """A before_request hook for moderation API blueprints (a hook must return None)."""
    require_api_actor()


def _forget_earlier_requests() -> None:
    """`g` belongs to the app context, which can outlive a request when one is pushed around
    several (scripts, tests): who called before must never be who calls now."""
    g.pop("_actor", None)
    g.pop("_login_user", None)


def init_app(app: Flask) -> None:
    app.before_request(_forget_earlier_requests)
    login_manager.init_app(app)
    login_manager.login_view = "moderation_queue.login"
    login_manager.login_message = "Log in to moderate."
    login_manager.session_protection = "basic"
