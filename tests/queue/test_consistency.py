"""What the pages say agrees with what the rules do: the embed form's name box takes what the
policy accepts, a reason names its match once (the spam filter's in words, not codes), an empty queue offers no bulk actions, and the
login error sits in the login form."""

from __future__ import annotations

import re

from service.services.moderation.policies import set_policy
from tests.factories import make_comment

NAME_BOX = re.compile(r'<input id="f-author"[^>]*maxlength="(\d+)"')


def test_the_embed_name_box_takes_as_many_characters_as_the_policy_accepts(client, world):
    assert NAME_BOX.search(client.get("/embed/blog?article=post-1").get_data(as_text=True)).group(1) == "80"
    set_policy(world.blog, {"mode": "pre", "max_author_length": 30})
    assert NAME_BOX.search(client.get("/embed/blog?article=post-1").get_data(as_text=True)).group(1) == "30"


def test_a_disposable_email_reason_names_the_domain_once_in_the_queue(as_user, world):
    make_comment(world.blog, "post-1", status="pending", author="Tess", email="tess@mailinator.com",
                 reasons=[{"code": "disposable_email", "verdict": "hold",
                           "message": "Uses a disposable email address (mailinator.com).",
                           "matched": ["mailinator.com"]},
                          {"code": "suspect_word", "verdict": "hold", "message": "Contains a suspect word.",
                           "matched": ["cheap"]}])
    client = as_user("admin@example.org")
    for page in (client.get("/moderate/").get_data(as_text=True),
                 client.get("/moderate/?tab=all").get_data(as_text=True)):
        reasons = page[page.index('<ul class="reasons">'):]
        reasons = reasons[:reasons.index("</ul>")]
        assert reasons.count("mailinator.com") == 1
        assert '<span class="matched">(cheap)</span>' in reasons  # a match the message does not name stays


def test_a_spam_score_reason_shows_its_words_not_the_feature_codes(as_user, world):
    make_comment(world.blog, "post-1", status="pending", author="Sam",
                 reasons=[{"code": "spam_score", "verdict": "hold",
                           "message": "Looks like spam (0.97): a link, 'check out', a website",
                           "matched": ["nlinks:1", "w:check out", "has:website"]}])
    page = as_user("admin@example.org").get("/moderate/").get_data(as_text=True)
    reasons = page[page.index('<ul class="reasons">'):]
    reasons = reasons[:reasons.index("</ul>")]
    assert "Looks like spam (0.97): a link, &#39;check out&#39;, a website" in reasons
    assert "w:check out" not in reasons and "nlinks:1" not in reasons and 'class="matched"' not in reasons


def test_an_empty_queue_offers_no_bulk_buttons(as_user, held):
    client = as_user("admin@example.org")
    assert 'id="bulk-form"' in client.get("/moderate/?tab=pending").get_data(as_text=True)
    empty = client.get("/moderate/?tab=spam").get_data(as_text=True)
    assert "Nothing here." in empty
    assert 'id="bulk-form"' not in empty and "Approve selected" not in empty


def test_the_login_error_is_inside_the_login_form_section(client):
    response = client.post("/moderate/login", data={"email": "nobody@example.org", "password": "wrong password"})
    assert response.status_code == 401
    page = response.get_data(as_text=True)
    section = page[page.index('<section class="login">'):page.index("</section>")]
    assert "That email and password do not match an active account." in section
    assert section.index("do not match") < section.index("<form")
    assert page.count("do not match") == 1
