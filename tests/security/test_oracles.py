"""The public answer to a refused submission names only what is wrong with the submission itself.
Matches against stored data (other comments, blocks) show as one generic reason, and not at all
when the submission has faults of its own, so that no answer tells whether an address wrote a
text or is blocked. Moderators still see the specific reasons."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from service.extensions import db
from service.models import Block, ModerationEvent
from tests.factories import make_site

URL = "/api/v1/sites/blog/comments"
TEXT = "A comment somebody else wrote earlier."
LONG_NAME = "N" * 200
GENERIC = {"code": "not_accepted", "message": "This comment cannot be accepted on this site."}


def post(client, ip: str, **fields):
    body = {"article": "a", "author": "Ann", "body": "Something new to say."}
    body.update(fields)
    return client.post(URL, json=body, environ_base={"REMOTE_ADDR": ip})


def public(response) -> dict:
    answer = dict(response.json)
    answer.pop("comment_id")
    return answer


def stored_codes(response) -> list[str]:
    event = db.session.execute(sa.select(ModerationEvent).where(
        ModerationEvent.comment_id == response.json["comment_id"])).scalar_one()
    return [r["code"] for r in event.reasons]


def test_a_forced_refusal_does_not_tell_whether_an_address_wrote_a_text(client):
    make_site()
    assert post(client, "198.51.100.1", email="victim@example.org", body=TEXT).status_code == 201
    probe = post(client, "203.0.113.9", email="victim@example.org", author=LONG_NAME, body=TEXT)
    control = post(client, "203.0.113.10", email="stranger@example.org", author=LONG_NAME, body=TEXT)
    assert probe.status_code == control.status_code == 403
    assert public(probe) == public(control)
    assert [r["code"] for r in probe.json["reasons"]] == ["author_too_long"]
    assert stored_codes(probe) == ["repeat_post", "author_too_long"]
    # The victim's comment and the probe are two copies from other senders: moderators see the
    # campaign check too, the submitter only the refusal of the name.
    assert stored_codes(control) == ["copied_text", "author_too_long"]


@pytest.mark.parametrize("kind, value, fields", [
    ("email", "blocked@example.org", {"email": "blocked@example.org"}),
    ("domain", "blocked.example", {"email": "anyone@blocked.example"}),
    ("name", "troll", {"author": "Troll"}),
])
def test_a_block_is_never_named_to_the_submitter(client, kind, value, fields):
    site = make_site(policy={"banned_words": ["casino"]})
    db.session.add(Block(site_id=site.id, kind=kind, value=value))
    db.session.commit()
    alone = post(client, "203.0.113.12", **fields)
    assert alone.status_code == 403
    assert alone.json["reasons"] == [GENERIC]
    assert alone.json["message"] == "Your comment was not accepted. This comment cannot be accepted on this site."
    assert stored_codes(alone)[0] == f"blocked_{'email_domain' if kind == 'domain' else kind}"
    # Made to fail on purpose: the answer is the one an unblocked sender gets.
    probe = post(client, "203.0.113.9", body="Play casino here.", **fields)
    control = post(client, "203.0.113.10", body="Play casino here.")
    assert probe.status_code == control.status_code == 403
    assert public(probe) == public(control)
    assert value not in str(probe.json).lower() and value not in str(alone.json).lower()


def test_the_embed_form_tells_no_more_than_the_api(client):
    make_site()
    assert post(client, "198.51.100.1", email="victim@example.org", body=TEXT).status_code == 201
    page = client.post("/embed/blog?article=a", data={"author": "Ann", "email": "victim@example.org", "body": TEXT},
                       environ_base={"REMOTE_ADDR": "198.51.100.1"})
    assert page.status_code == 403
    html = page.get_data(as_text=True)
    assert "This comment cannot be accepted on this site." in html
    assert "already posted" not in html
