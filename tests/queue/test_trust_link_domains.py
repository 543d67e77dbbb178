"""An administrator trusts a domain a comment links to from the comment's page: the site's
`trusted_domains` gains it (every other stored key as it was, the change in the audit log), and
from then on links there are no spam signal on that site. Moderators see no such button."""

from __future__ import annotations

import re
from html import unescape

import sqlalchemy as sa

from service.extensions import db
from service.models import AdminEvent, CommentStatus, Site, SpamModelVersion
from service.moderation.spam_model import SpamModel
from service.services.moderation import spam_filter
from tests.factories import make_comment

BODY = ("Same tent: [REI](https://www.rei.com/product/123), docs at https://docs.python.org/3/ "
        "and our [other post](https://blog.example/p/2)")
BUTTON = re.compile(r"Trust links to ([\w.-]+)</button>")


def _page(client, comment):
    return client.get(f"/moderate/comments/{comment.id}").get_data(as_text=True)


def _trust(client, comment, domain):
    token = re.search(r'name="csrf_token" value="([^"]+)"', _page(client, comment)).group(1)
    return client.post(f"/moderate/comments/{comment.id}/trust-domain",
                       data={"csrf_token": token, "domain": domain, "next": f"/moderate/comments/{comment.id}"})


def test_an_admin_sees_a_button_for_each_untrusted_host_and_trusts_one(as_user, world):
    world.blog.origins = ["https://blog.example"]
    world.blog.policy = {"mode": "pre", "trusted_domains": ["python.org"], "max_links": 5}
    db.session.commit()
    comment = make_comment(world.blog, "post-1", status="pending", body=BODY)
    client = as_user("admin@example.org")
    assert BUTTON.findall(_page(client, comment)) == ["rei.com"]  # docs.python.org and the site's own: trusted
    answer = _trust(client, comment, "rei.com")
    assert answer.status_code == 302
    site = db.session.get(Site, world.blog.id)
    db.session.refresh(site)
    assert site.policy == {"mode": "pre", "trusted_domains": ["python.org", "rei.com"], "max_links": 5}
    event = db.session.execute(sa.select(AdminEvent).order_by(AdminEvent.id.desc())).scalars().first()
    assert event.action == "policy.saved" and event.detail["changed"] == ["trusted_domains"]
    assert BUTTON.findall(_page(client, comment)) == []
    _trust(client, comment, "rei.com")  # again: nothing changes
    db.session.refresh(site)
    assert site.policy["trusted_domains"] == ["python.org", "rei.com"]


def test_a_moderator_sees_no_button_and_cannot_trust(as_user, world):
    comment = make_comment(world.blog, "post-1", status="pending", body=BODY)
    client = as_user("mod@example.org")
    page = _page(client, comment)
    assert BUTTON.findall(page) == []
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    answer = client.post(f"/moderate/comments/{comment.id}/trust-domain",
                         data={"csrf_token": token, "domain": "rei.com"})
    assert answer.status_code == 403
    assert "trusted_domains" not in (db.session.get(Site, world.blog.id).policy or {})


def test_a_blocked_or_invalid_domain_is_refused_with_the_reason(as_user, world):
    world.blog.policy = {"mode": "pre", "blocked_domains": ["rei.com"]}
    db.session.commit()
    comment = make_comment(world.blog, "post-1", status="pending", body=BODY)
    client = as_user("admin@example.org")
    assert "rei.com" not in BUTTON.findall(_page(client, comment))  # blocked: no button
    for domain, why in (("rei.com", "Also blocked (blocked_domains): rei.com."),
                        ("not a domain", "Not a valid domain name (expected something like spam.example).")):
        answer = _trust(client, comment, domain)
        assert answer.status_code == 302
        assert "trusted_domains" not in db.session.get(Site, world.blog.id).policy
        page = client.get(answer.headers["Location"]).get_data(as_text=True)
        assert unescape(f"{domain} was not trusted: {why}") in unescape(page)


def test_after_trusting_a_link_there_is_no_spam_signal_on_every_process(as_user, world, make_app):
    world.blog.policy = {"mode": "post"}
    db.session.commit()
    row = SpamModelVersion(weights=b"", bias=0.0, threshold=0.6, n_decisions=0, metrics={})
    db.session.add(row)
    db.session.flush()
    row.weights = SpamModel({"nlinks:1": 9.0}, 0.0, 0.6, row.id).to_bytes()
    db.session.commit()
    spam_filter.forget_current()
    readers = make_app().test_client()  # another process serves the readers
    body = {"article": "post-2", "author": "Reader", "body": "Got mine at https://www.rei.com/product/9"}
    assert readers.post("/api/v1/sites/blog/comments", json=body).json["status"] == "pending"
    comment = make_comment(world.blog, "post-1", status="pending", body=BODY)
    assert _trust(as_user("admin@example.org"), comment, "rei.com").status_code == 302
    again = readers.post("/api/v1/sites/blog/comments", json={**body, "article": "post-3"},
                         environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert again.json["status"] == "approved"


def test_the_website_field_is_a_candidate_after_the_links(as_user, world):
    world.blog.policy = {"mode": "pre", "trusted_domains": ["python.org"]}
    db.session.commit()
    comment = make_comment(world.blog, "post-1", status="pending", body="See https://www.rei.com/x")
    comment.website = "https://www.github.com/ann"
    db.session.commit()
    client = as_user("admin@example.org")
    assert BUTTON.findall(_page(client, comment)) == ["rei.com", "github.com"]
    assert _trust(client, comment, "github.com").status_code == 302
    assert BUTTON.findall(_page(client, comment)) == ["rei.com"]
    comment.website = "https://docs.python.org/ann"  # already trusted: no button
    db.session.commit()
    assert BUTTON.findall(_page(client, comment)) == ["rei.com"]


def test_a_host_that_names_what_spam_sells_is_not_offered(as_user, world):
    world.blog.policy = {"mode": "pre", "spam_filter": False}  # the host's own name decides, not the score
    db.session.commit()
    comment = make_comment(world.blog, "post-1", status="pending",
                           body="Docs: https://www.rei.com/x and https://cheap-viagra-pills.example/buy")
    comment.website = "https://casino-bonus-365.xyz"
    db.session.commit()
    client = as_user("admin@example.org")
    assert BUTTON.findall(_page(client, comment)) == ["rei.com"]
    comment.website = "https://www.github.com/ann"
    db.session.commit()
    assert BUTTON.findall(_page(client, comment)) == ["rei.com", "github.com"]


def test_no_host_is_offered_from_a_comment_that_is_spam_whatever_its_links(as_user, world):
    world.blog.policy = {"mode": "pre"}
    db.session.commit()
    client = as_user("admin@example.org")
    pitch = make_comment(world.blog, "post-1", status="pending",
                         body="Buy cheap viagra and cialis online without prescription, fast shipping: "
                              "https://www.rei.com/x")
    assert BUTTON.findall(_page(client, pitch)) == []  # trusting rei.com would not release it
    marked = make_comment(world.blog, "post-1", status="spam", body="Got the same tent at https://www.rei.com/y")
    assert BUTTON.findall(_page(client, marked)) == []  # a moderator called it spam
    marked.status = CommentStatus.PENDING
    db.session.commit()
    assert BUTTON.findall(_page(client, marked)) == ["rei.com"]
