"""Policy validation, round trips and article closing."""

import dataclasses
import json
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, strategies as st
from marshmallow import ValidationError

from service.moderation.policy import (
    DEFAULT_POLICY,
    MODES,
    Policy,
    PolicySchema,
    dump_policy,
    is_article_closed,
    load_policy,
    shipped_disposable_domains,
)

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=timezone.utc)


def test_empty_policy_loads_the_defaults():
    assert load_policy({}) == DEFAULT_POLICY


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("mode", "post"),
        ("trusted_after", 1),
        ("trust_enabled", True),
        ("max_links", 2),
        ("rate_per_minute", 5),
        ("rate_per_hour", 30),
        ("min_length", 1),
        ("max_length", 10000),
        ("max_author_length", 80),
        ("repeat_window_minutes", 60),
        ("hold_disposable_email", True),
        ("close_after_days", None),
        ("min_fill_seconds", 3),
        ("require_form_token", False),
        ("hold_shouting", True),
        ("flags_to_review", 3),
        ("hide_flagged", False),
        ("trust_after_days", 3),
        ("spam_filter", True),
        ("spam_threshold", None),
        ("spam_max_false_holds", 0.02),
        ("hold_contact_details", True),
        ("hold_trade_websites", True),
        ("votes", "both"),
        ("avatars", "identicon"),
        ("banned_words", ()),
        ("suspect_words", ()),
        ("blocked_domains", ()),
        ("disposable_domains", ()),
    ],
)
def test_default_policy_has_the_documented_default(key, value):
    assert getattr(DEFAULT_POLICY, key) == value


def test_schema_and_dataclass_have_the_same_keys():
    assert set(PolicySchema().fields) == {field.name for field in dataclasses.fields(Policy)}


def test_full_policy_round_trips_through_json():
    data = {
        "mode": "first-time", "trust_enabled": False, "trusted_after": 3,
        "banned_words": ["casino", "free money"], "suspect_words": ["crypto"], "max_links": 0,
        "blocked_domains": ["spam.example"], "trusted_domains": ["docs.python.org"], "rate_per_minute": 2,
        "rate_per_hour": 10,
        "min_length": 5, "max_length": 2000, "max_author_length": 40, "repeat_window_minutes": 0,
        "copies_to_review": 5,
        "hold_disposable_email": False, "disposable_domains": ["throwaway.example"], "close_after_days": 30,
        "min_fill_seconds": 1.5, "require_form_token": True, "hold_shouting": False,
        "flags_to_review": 1, "hide_flagged": True, "trust_after_days": 7, "spam_filter": False,
        "spam_threshold": 0.8, "spam_max_false_holds": 0.05, "hold_contact_details": False,
        "hold_trade_websites": False, "votes": "likes", "avatars": "off",
    }
    policy = load_policy(data)
    dumped = dump_policy(policy)
    assert dumped == data
    assert load_policy(json.loads(json.dumps(dumped))) == policy


@given(
    mode=st.sampled_from(MODES),
    words=st.lists(st.from_regex(r"[a-z][a-z ]{0,20}[a-z]", fullmatch=True), max_size=20),
    max_links=st.integers(0, 1000),
    close_after_days=st.none() | st.integers(1, 36500),
    min_fill_seconds=st.floats(0, 3600),
)
def test_dumped_policy_loads_back_equal(mode, words, max_links, close_after_days, min_fill_seconds):
    policy = Policy(mode=mode, banned_words=words, max_links=max_links, close_after_days=close_after_days,
                    min_fill_seconds=min_fill_seconds)
    assert load_policy(dump_policy(policy)) == policy


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"surprise": 1}, "surprise", "Unknown field."),
        ({"mode": "sometimes"}, "mode", "Must be one of: pre, post, first-time."),
        ({"mode": None}, "mode", "Field may not be null."),
        ({"trusted_after": 0}, "trusted_after", "Must be between 1 and 1000."),
        ({"trusted_after": "2"}, "trusted_after", "Not a valid integer."),
        ({"trusted_after": 2.5}, "trusted_after", "Not a valid integer."),
        ({"max_links": True}, "max_links", "Not a valid integer."),
        ({"max_links": -1}, "max_links", "Must be between 0 and 1000."),
        ({"rate_per_minute": 0}, "rate_per_minute", "Must be between 1 and 10000."),
        ({"rate_per_minute": 50, "rate_per_hour": 10}, "rate_per_minute",
         "Must not be greater than the comments allowed per hour (rate_per_hour)."),
        ({"min_length": 500, "max_length": 100}, "min_length",
         "Must not be greater than the longest comment allowed (max_length)."),
        ({"max_length": 0}, "max_length", "Must be between 1 and 100000."),
        ({"max_author_length": 5000}, "max_author_length", "Must be between 1 and 1000."),
        ({"repeat_window_minutes": -5}, "repeat_window_minutes", "Must be between 0 and 10080."),
        ({"close_after_days": 0}, "close_after_days", "Must be between 1 and 36500."),
        ({"min_fill_seconds": "3"}, "min_fill_seconds", "Not a valid number."),
        ({"min_fill_seconds": -1}, "min_fill_seconds", "Must be between 0 and 3600."),
        ({"hold_shouting": "yes"}, "hold_shouting", "Not a valid boolean."),
        ({"hide_flagged": 1}, "hide_flagged", "Not a valid boolean."),
        ({"flags_to_review": 0}, "flags_to_review", "Must be between 1 and 1000."),
        ({"votes": "yes"}, "votes", "Must be one of: both, likes, off."),
        ({"avatars": "robohash"}, "avatars", "Must be one of: identicon, gravatar, off."),
        ({"banned_words": "casino"}, "banned_words", "Not a valid list."),
        ({"banned_words": ["casino"] * 5001}, "banned_words", "At most 5000 entries are allowed."),
    ],
)
def test_invalid_value_is_rejected_with_a_field_message(data, field, message):
    with pytest.raises(ValidationError) as caught:
        load_policy(data)
    assert caught.value.messages == {field: [message]}


@pytest.mark.parametrize(
    ("word", "message"),
    [
        ("", "Must be 1 to 100 characters long after trimming spaces."),
        ("   ", "Must be 1 to 100 characters long after trimming spaces."),
        ("x" * 101, "Must be 1 to 100 characters long after trimming spaces."),
        ("!!!", "Must contain at least one letter or digit."),
        (42, "Not a valid string."),
    ],
)
def test_invalid_word_is_rejected_with_its_position(word, message):
    with pytest.raises(ValidationError) as caught:
        load_policy({"suspect_words": ["fine", word]})
    assert caught.value.messages == {"suspect_words": {1: [message]}}


def test_words_are_trimmed():
    assert load_policy({"banned_words": ["  casino ", "free money"]}).banned_words == ("casino", "free money")


@pytest.mark.parametrize(
    ("given_domain", "stored"),
    [
        ("spam.example", "spam.example"),
        ("  SPAM.Example. ", "spam.example"),
        ("*.spam.example", "spam.example"),
        (".spam.example", "spam.example"),
        ("bücher.example", "xn--bcher-kva.example"),
        ("ru", "ru"),
    ],
)
def test_domains_are_stored_in_one_form(given_domain, stored):
    assert load_policy({"blocked_domains": [given_domain]}).blocked_domains == (stored,)


def test_trusted_domains_are_stored_as_domain_lists_are_and_cannot_also_be_blocked():
    policy = load_policy({"trusted_domains": ["*.Docs.Python.org.", "bücher.example"]})
    assert policy.trusted_domains == ("docs.python.org", "xn--bcher-kva.example")
    assert policy.trusted_domain_set == frozenset(policy.trusted_domains)
    with pytest.raises(ValidationError) as caught:
        load_policy({"trusted_domains": ["github.com", "pills.shop"], "blocked_domains": ["PILLS.shop"]})
    assert caught.value.messages == {"trusted_domains": ["Also blocked (blocked_domains): pills.shop."]}


@pytest.mark.parametrize("bad", ["", "spam example", "-spam.example", "http://spam.example/", "spam..example", "a" * 64])
def test_invalid_domain_is_rejected(bad):
    with pytest.raises(ValidationError) as caught:
        load_policy({"disposable_domains": [bad]})
    assert caught.value.messages == {
        "disposable_domains": {0: ["Not a valid domain name (expected something like spam.example)."]}
    }


@pytest.mark.parametrize("data", [None, [], "post", 3])
def test_policy_that_is_not_an_object_is_rejected(data):
    with pytest.raises(ValidationError):
        load_policy(data)


def test_policies_with_the_same_words_share_one_compiled_matcher():
    first = load_policy({"banned_words": ["casino"]})
    second = load_policy({"banned_words": ["casino"], "max_links": 5})
    assert first.banned_matcher is second.banned_matcher


def test_policy_built_from_lists_is_hashable_and_equal_to_the_loaded_one():
    policy = Policy(banned_words=["casino"])
    assert policy == load_policy({"banned_words": ["casino"]})
    assert hash(policy) == hash(load_policy({"banned_words": ["casino"]}))


def test_shipped_disposable_domains_are_a_few_hundred_well_known_ones():
    shipped = shipped_disposable_domains()
    assert len(shipped) >= 300
    assert {"mailinator.com", "guerrillamail.com", "10minutemail.com", "yopmail.com"} <= shipped
    assert not {"gmail.com", "outlook.com", "yahoo.com", "protonmail.com"} & shipped


def test_site_disposable_domains_extend_the_shipped_list():
    policy = load_policy({"disposable_domains": ["throwaway.example"]})
    assert {"throwaway.example", "mailinator.com"} <= policy.disposable_domain_set


@pytest.mark.parametrize(
    ("close_after_days", "closed_flag", "age", "closed"),
    [
        (None, False, timedelta(days=10_000), False),
        (None, True, timedelta(0), True),
        (30, True, timedelta(days=1), True),
        (30, False, timedelta(days=29, hours=23), False),
        (30, False, timedelta(days=30), True),
        (30, False, timedelta(days=31), True),
        (1, False, timedelta(hours=23), False),
    ],
)
def test_article_is_closed_by_flag_or_age(close_after_days, closed_flag, age, closed):
    policy = Policy(close_after_days=close_after_days)
    assert is_article_closed(policy, NOW - age, closed_flag, NOW) is closed


def test_naive_article_creation_time_is_taken_as_utc():
    policy = Policy(close_after_days=1)
    created = (NOW - timedelta(days=2)).replace(tzinfo=None)
    assert is_article_closed(policy, created, False, NOW) is True
