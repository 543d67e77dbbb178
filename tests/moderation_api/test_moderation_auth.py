"""Who may call the moderation API: sessions, tokens, roles, sites; secrets never stored plainly."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from service.config import Config
from service.extensions import db
from service.models import ApiToken, Moderator
from service.services.administration import moderators, tokens
from tests.factories import make_comment
from tests.moderation_api.conftest import PASSWORD, forbidden, log_in, unauthorized

LIST = "/api/v1/moderation/comments"


def test_anonymous_caller_is_401_with_bearer_challenge(client, blog):
    response = client.get(LIST)
    assert response.status_code == 401
    assert response.json == unauthorized()
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_unknown_token_is_401_and_not_a_fallback_to_the_session(client, blog, make_moderator):
    log_in(client, make_moderator())
    response = client.get(LIST, headers={"Authorization": "Bearer cmt_not-a-real-token"})
    assert response.status_code == 401
    assert response.json == unauthorized("This API token is not valid or has been revoked.")
    assert response.headers["WWW-Authenticate"] == 'Bearer error="invalid_token"'


def test_empty_and_oversized_bearer_tokens_are_401(client, blog):
    for value in ("Bearer ", "Bearer " + "x" * 5000):
        response = client.get(LIST, headers={"Authorization": value})
        assert response.status_code == 401
        assert response.json == unauthorized("This API token is not valid or has been revoked.")


def test_revoked_token_is_refused(client, blog_mod):
    assert client.get(LIST, headers=blog_mod.headers).status_code == 200
    tokens.revoke_token(blog_mod.id)
    response = client.get(LIST, headers=blog_mod.headers)
    assert response.status_code == 401
    assert response.json == unauthorized("This API token is not valid or has been revoked.")


def test_token_is_stored_only_as_a_hash(app, blog):
    token, plaintext = tokens.create_token("ci", site_slugs=["blog"])
    stored = db.session.execute(sa.select(ApiToken.token_hash)).scalars().all()
    assert plaintext.startswith("cmt_") and len(plaintext) > 40
    assert stored == [token.token_hash]
    assert plaintext not in stored[0] and len(stored[0]) == 64


def test_token_use_is_recorded_at_most_once_a_minute(client, blog_mod):
    client.get(LIST, headers=blog_mod.headers)
    first = db.session.get(ApiToken, blog_mod.id).last_used_at
    assert first is not None
    client.get(LIST, headers=blog_mod.headers)
    db.session.expire_all()
    assert db.session.get(ApiToken, blog_mod.id).last_used_at == first
    db.session.execute(sa.update(ApiToken).values(last_used_at=first - timedelta(minutes=2)))
    db.session.commit()
    client.get(LIST, headers=blog_mod.headers)
    db.session.expire_all()
    assert db.session.get(ApiToken, blog_mod.id).last_used_at > first - timedelta(seconds=1)


def test_site_token_cannot_read_another_sites_comments(client, blog, other, blog_mod):
    response = client.get(LIST + "?site=other", headers=blog_mod.headers)
    assert response.status_code == 403
    assert response.json == forbidden()


def test_site_token_cannot_act_on_another_sites_comment(client, blog, other, blog_mod):
    comment = make_comment(other, status="pending")
    response = client.patch(f"{LIST}/{comment.id}", json={"status": "approved"}, headers=blog_mod.headers)
    assert response.status_code == 403
    assert response.json == forbidden()


def test_moderator_session_reaches_only_its_sites(client, blog, other, make_moderator):
    log_in(client, make_moderator(sites=["blog"]))
    assert client.get(LIST + "?site=blog").status_code == 200
    assert client.get(LIST + "?site=other").json == forbidden()


def test_password_change_ends_existing_sessions(client, blog, make_moderator):
    moderator = make_moderator()
    log_in(client, moderator)
    assert client.get(LIST).status_code == 200
    moderators.set_password(moderator.id, "another long password")
    assert client.get(LIST).json == unauthorized()


def test_logout_everywhere_and_deactivation_end_sessions(client, blog, make_moderator):
    moderator = make_moderator()
    log_in(client, moderator)
    moderators.logout_everywhere(moderator.id)
    assert client.get(LIST).status_code == 401
    log_in(client, db.session.get(Moderator, moderator.id))
    assert client.get(LIST).status_code == 200
    moderators.deactivate(moderator.id)
    assert client.get(LIST).status_code == 401


def test_password_is_stored_hashed_with_werkzeug_scrypt(app, blog, make_moderator):
    assert Config.PASSWORD_HASH_METHOD == "scrypt"  # what every deployment uses
    app.config["PASSWORD_HASH_METHOD"] = Config.PASSWORD_HASH_METHOD
    moderator = make_moderator()
    stored = db.session.execute(sa.select(Moderator.password_hash)).scalar_one()
    assert stored.startswith("scrypt:") and PASSWORD not in stored
    assert moderators.authenticate("MOD@example.org ", PASSWORD).id == moderator.id
    assert moderators.authenticate("mod@example.org", PASSWORD[:-1]) is None


def test_a_hash_made_by_another_method_still_verifies_and_a_new_password_takes_the_configured_one(
        app, blog, make_moderator):
    moderator = make_moderator()  # the tests' cheaper method
    assert moderator.password_hash.startswith("pbkdf2:")
    app.config["PASSWORD_HASH_METHOD"] = "scrypt"
    assert moderators.authenticate("mod@example.org", PASSWORD).id == moderator.id
    assert moderators.authenticate("unknown@example.org", PASSWORD) is None  # still refused, after a decoy hash
    moderators.set_password(moderator.id, "a brand new passphrase")
    assert db.session.get(Moderator, moderator.id).password_hash.startswith("scrypt:")
    assert moderators.authenticate("mod@example.org", "a brand new passphrase").id == moderator.id


def test_authenticate_refuses_wrong_password_unknown_email_and_inactive(app, blog, make_moderator):
    moderator = make_moderator()
    assert moderators.authenticate("mod@example.org", "wrong password!") is None
    assert moderators.authenticate("nobody@example.org", PASSWORD) is None
    assert moderators.authenticate("mod@example.org", "x" * 5000) is None
    moderators.deactivate(moderator.id)
    assert moderators.authenticate("mod@example.org", PASSWORD) is None


def test_session_write_without_csrf_header_is_refused_when_csrf_is_on(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        from tests.factories import make_site

        site = make_site("blog")
        comment = make_comment(site, status="pending")
        moderator = moderators.create_moderator("m@example.org", PASSWORD, site_slugs=["blog"])
        client = app.test_client()
        log_in(client, moderator)
        url = f"{LIST}/{comment.id}"
        response = client.patch(url, json={"status": "approved"})
        assert response.status_code == 403
        assert response.json == forbidden("Send the page's CSRF token in the X-CSRFToken header.")
        with app.test_request_context():
            from flask import session
            from flask_wtf.csrf import generate_csrf

            token = generate_csrf()
            raw = session["csrf_token"]
        with client.session_transaction() as sess:
            sess["csrf_token"] = raw
        response = client.patch(url, json={"status": "approved"}, headers={"X-CSRFToken": token})
        assert response.status_code == 200, response.json
        # Tokens need no CSRF header: nothing ambient (a cookie) authenticates them.
        _, plaintext = tokens.create_token("bot", site_slugs=["blog"])
        response = client.patch(url, json={"status": "pending"}, headers={"Authorization": f"Bearer {plaintext}"})
        assert response.status_code == 200


def test_non_admin_token_needs_a_site(app, blog):
    import pytest

    from service.errors import Unprocessable

    with pytest.raises(Unprocessable) as info:
        tokens.create_token("lonely")
    assert info.value.errors == {"json": {"sites": ["A token that is not an admin token needs at least one site."]}}
