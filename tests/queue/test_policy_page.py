"""The policy page explains itself: every key of the policy has a label, a sentence of help and
a group; the page shows them with each default; a backtest of the form's values over the last
1,000 comments changes nothing."""

from __future__ import annotations

import re
from dataclasses import fields
from html import unescape

import sqlalchemy as sa

from service.extensions import db
from service.models import Comment, Site
from service.moderation.policy import DEFAULT_POLICY, Policy, dump_policy
from service.moderation_queue.policy_labels import GROUPS, LABELS, grouped
from service.services.moderation.backtest import backtest
from tests.factories import make_comment

FIELD = re.compile(r'<label (?:class="check" )?for="p-(\w+)">(?:<input[^>]*> )?([^<]+?)(?: <small>|</label>)')
HINT = re.compile(r'<p class="hint" id="h-(\w+)">(.*?) <span class="default">Default: ([^<]*)\.</span>')


def test_every_policy_field_has_a_label_a_sentence_of_help_and_a_group():
    for field in fields(Policy):
        label = LABELS.get(field.name)
        assert label is not None, f"{field.name} has no entry in policy_labels.LABELS"
        assert label.group in GROUPS, field.name
        assert label.label and label.label != field.name and label.label[0].isupper(), field.name
        assert label.help.endswith(".") and label.help.count(". ") == 0, f"{field.name}: one sentence"


def test_the_labels_named_in_the_design_are_there_for_keys_that_other_versions_add():
    assert LABELS["min_fill_seconds"].label == "Minimum seconds between opening the form and posting"
    for key in ("spam_filter", "spam_threshold", "spam_max_false_holds", "hold_contact_details", "trust_after_days",
                "votes", "avatars"):
        assert key in LABELS, key


def test_the_groups_keep_the_page_order_and_every_field():
    groups = grouped(dump_policy(DEFAULT_POLICY))
    names = [group for group, _ in groups]
    assert names == [g for g in GROUPS if g in names]
    assert names[:2] == ["Mode", "Words"]
    assert sorted(f.key for _, items in groups for f in items) == sorted(f.name for f in fields(Policy))


def test_the_page_shows_labels_help_and_defaults_in_groups(as_user):
    page = as_user("admin@example.org").get("/moderate/sites/blog/policy").get_data(as_text=True)
    labels = dict(FIELD.findall(page))
    assert labels["min_fill_seconds"] == "Minimum seconds between opening the form and posting"
    assert set(labels) == {f.name for f in fields(Policy)}
    hints = {key: (unescape(text), default) for key, text, default in HINT.findall(page)}
    assert hints["min_fill_seconds"][1] == "3" and hints["max_links"][1] == "2"
    assert hints["close_after_days"][1] == "none" and hints["hold_shouting"][1] == "on"
    assert "faster than a person types" in hints["min_fill_seconds"][0]
    legends = re.findall(r'<fieldset class="policy-group"[^>]*>\s*<legend>([^<]+)</legend>', page)
    assert legends[:4] == ["Mode", "Words", "Links", "Limits"] and "Reports" in legends
    assert 'id="backtest-button"' in page and "what these values decide for the last 1,000 comments" in page
    assert 'class="dry-run"' in page


def _form(overrides: dict) -> dict:
    """The page's form as a browser sends it: every key, checkboxes only when ticked."""
    data = {}
    for key, value in dump_policy(DEFAULT_POLICY).items():
        if value is True:
            data[key] = "on"
        elif value is False:
            continue
        elif isinstance(value, list):
            data[key] = "\n".join(value)
        else:
            data[key] = "" if value is None else str(value)
    return {**data, **overrides}


def test_backtest_shows_what_the_forms_values_would_change_and_saves_nothing(as_user, world):
    for i in range(4):
        make_comment(world.blog, "post-1", status="approved", body=f"Visit my casino number {i}")
    make_comment(world.blog, "post-1", status="approved", body="A kind remark.")
    before = dict(world.blog.policy)
    client = as_user("admin@example.org")
    response = client.post("/moderate/sites/blog/policy/backtest",
                           data=_form({"mode": "post", "banned_words": "casino"}))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "5 of the last 1,000 comments judged again" in page and "<strong>4</strong> would change status" in page
    assert '<tr class="changed"><td>approved</td><td>rejected</td><td>4</td></tr>' in page
    assert "These values are not saved yet." in page
    assert ">casino</textarea>" in page  # the form keeps what was tried
    db.session.expire_all()
    assert db.session.execute(sa.select(Site).filter_by(slug="blog")).scalar_one().policy == before
    assert {c.status.value for c in db.session.execute(sa.select(Comment)).scalars()} == {"approved"}


def test_backtest_of_invalid_values_names_the_field(as_user):
    response = as_user("admin@example.org").post("/moderate/sites/blog/policy/backtest",
                                                  data=_form({"max_links": "lots", "min_length": "50",
                                                              "max_length": "10"}))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "The backtest did not run" in page
    assert '<a href="#p-max_links">Most links before a comment is held</a>: Enter a number.' in page


def test_backtest_reads_only_the_last_n_comments(app, world):
    ids = [make_comment(world.blog, "post-1", status="approved", body=f"casino {i}").id for i in range(5)]
    policy = Policy(banned_words=("casino",))
    report = backtest(world.blog, policy, last=3)
    assert report.total == 3
    assert sorted(i for examples in report.examples.values() for i, _, _ in examples) == ids[-3:]
    assert backtest(world.blog, policy).total == 5


def test_a_saved_policy_and_a_block_added_and_lifted_are_in_the_sites_changes(as_user, world, held):
    from service.models import AdminEvent, Block

    admin = as_user("admin@example.org")
    response = admin.post("/moderate/sites/blog/policy",
                          data=_form({"mode": "pre", "max_links": "5", "suspect_words": "cheap\nfree"}))
    assert response.status_code == 302, response.get_data(as_text=True)
    assert admin.post(f"/moderate/comments/{held.id}/block", data={"kinds": "email"}).status_code == 302
    block = db.session.execute(sa.select(Block)).scalar_one()
    assert admin.post(f"/moderate/sites/blog/blocks/{block.id}/delete").status_code == 302
    changes = db.session.execute(sa.select(AdminEvent.action, AdminEvent.detail, AdminEvent.actor)
                                 .where(AdminEvent.site_id == world.blog.id).order_by(AdminEvent.id)).all()
    assert [(action, actor) for action, _, actor in changes] == [
        ("policy.saved", "admin@example.org"), ("block.added", "admin@example.org"),
        ("block.lifted", "admin@example.org")]
    assert changes[0].detail["changed"] == ["max_links", "suspect_words"]
    assert changes[1].detail["kind"] == "email" and changes[1].detail["id"] == block.id
    assert "mallory" not in str(changes[1].detail) + str(changes[2].detail)  # what was blocked stays in the block


def test_an_administrators_dry_run_judges_the_forms_unsaved_values_and_keeps_them(as_user, world):
    admin = as_user("admin@example.org")
    page = admin.get("/moderate/sites/blog/policy").get_data(as_text=True)
    assert 'form="policy-form"' in page and "what the values on this page would decide, saved or not" in page
    # the comment box belongs to the policy form: it must not stop Save or Backtest when empty
    box = page[page.index('<textarea form="policy-form"'):]
    assert " required" not in box[:box.index(">")]
    form = _form({"mode": "post", "suspect_words": "crypto", "body": "Easy crypto gains", "author": "Sam"})
    response = admin.post("/moderate/sites/blog/policy/dry-run", data=form)
    assert response.status_code == 200, response.get_data(as_text=True)
    html = unescape(response.get_data(as_text=True))
    verdict = html[html.index('id="verdict"'):]
    assert "<code>suspect_word</code>" in verdict[:verdict.index("</div>")]
    assert ">crypto</textarea>" in html and "These values are not saved yet." in html
    assert db.session.get(Site, world.blog.id).policy.get("suspect_words") is None  # nothing saved
    saved = admin.post("/moderate/sites/blog/policy/dry-run",
                       data=_form({"mode": "pre", "body": "Easy crypto gains"})).get_data(as_text=True)
    assert "These values are not saved yet." not in saved and "pre_moderation" in saved


def test_an_invalid_value_stops_the_dry_run_and_says_why(as_user, world):
    admin = as_user("admin@example.org")
    response = admin.post("/moderate/sites/blog/policy/dry-run", data=_form({"max_links": "many", "body": "Hi"}))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "The dry run did not run" in html and 'id="verdict"' not in html


def test_a_dry_run_without_a_comment_stays_on_the_page_with_the_values(as_user, world):
    admin = as_user("admin@example.org")
    response = admin.post("/moderate/sites/blog/policy/dry-run", data=_form({"mode": "pre", "suspect_words": "crypto"}))
    assert response.status_code == 422
    html = unescape(response.get_data(as_text=True))
    assert "The dry run did not run" in html and "Paste a comment in the dry-run box to try it." in html
    assert ">crypto</textarea>" in html
