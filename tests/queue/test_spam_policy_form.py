"""The spam filter's policy keys on the policy page."""

from __future__ import annotations

from service.extensions import db
from service.services.moderation.policies import get_policy


def test_spam_keys_are_saved_from_the_policy_page(as_user, world):
    client = as_user("admin@example.org")
    page = client.get("/moderate/sites/blog/policy").get_data(as_text=True)
    for key in ("spam_filter", "spam_threshold", "spam_max_false_holds", "hold_contact_details",
                "hold_trade_websites"):
        assert f'name="{key}"' in page
    form = {key: ("on" if value is True else "" if value is None else value)
            for key, value in get_policy(world.blog).items() if value is not False and not isinstance(value, list)}
    form.update(spam_threshold="0.9", spam_max_false_holds="0.05")
    form.pop("hold_contact_details")
    form.pop("hold_trade_websites")
    response = client.post("/moderate/sites/blog/policy", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.refresh(world.blog)
    saved = get_policy(world.blog)
    assert (saved["spam_threshold"], saved["spam_max_false_holds"], saved["hold_contact_details"],
            saved["hold_trade_websites"], saved["spam_filter"]) == (0.9, 0.05, False, False, True)
    form["spam_threshold"] = ""
    assert client.post("/moderate/sites/blog/policy", data=form).status_code == 302
    db.session.refresh(world.blog)
    assert get_policy(world.blog)["spam_threshold"] is None
