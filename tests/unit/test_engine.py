"""The engine: rules combined into one stored status, public status and list of reasons."""

from datetime import datetime, timezone

import pytest

from service.moderation.engine import decide
from service.moderation.policy import Policy
from service.moderation.types import APPROVE, HOLD, REJECT, Block, Decision, Draft, Facts, Reason

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=timezone.utc)
POLICY = Policy(banned_words=("casino",), suspect_words=("crypto",), blocked_domains=("spam.example",))
NEWCOMER = Facts(now=NOW)
TRUSTED = Facts(now=NOW, author_approved=5)
GOOD = Draft(body="Thanks, this helped me fix my build.", author="Ann", email="ann@example.com", fill_seconds=40)


def submit(facts=NEWCOMER, policy=POLICY, **changes):
    fields = {**GOOD.__dict__, **changes}
    return decide(Draft(**fields), facts, policy)


def test_ordinary_comment_is_approved_with_no_reasons():
    assert submit() == Decision(status="approved", verdict=APPROVE, reasons=())


@pytest.mark.parametrize(
    ("changes", "status", "verdict", "codes"),
    [
        ({"body": "Try crypto"}, "pending", HOLD, ["suspect_word"]),
        ({"body": "Try the casino"}, "rejected", REJECT, ["banned_word"]),
        ({"body": "Try crypto at the casino"}, "rejected", REJECT, ["banned_word", "suspect_word"]),
        ({"links": ("https://spam.example",) * 3}, "rejected", REJECT, ["blocked_domain", "too_many_links"]),
        ({"email": "x@mailinator.com", "fill_seconds": 1}, "pending", HOLD, ["disposable_email", "too_fast"]),
        ({"body": ""}, "rejected", REJECT, ["too_short"]),
        ({"honeypot": "http://buy.example"}, "spam", REJECT, ["honeypot"]),
        ({"honeypot": "x", "body": "casino"}, "spam", REJECT, ["honeypot", "banned_word"]),
    ],
)
def test_reasons_combine_reject_over_hold_over_approve(changes, status, verdict, codes):
    decision = submit(**changes)
    assert (decision.status, decision.verdict) == (status, verdict)
    assert [reason.code for reason in decision.reasons] == codes


@pytest.mark.parametrize(
    ("status", "public"),
    [("approved", "approved"), ("pending", "pending"), ("rejected", "rejected"), ("spam", "pending")],
)
def test_public_status_disguises_spam_as_pending(status, public):
    assert Decision(status=status, verdict=APPROVE, reasons=()).public_status == public


def test_honeypot_submission_is_told_it_is_pending():
    decision = submit(honeypot="filled by a bot")
    assert (decision.status, decision.public_status) == ("spam", "pending")


@pytest.mark.parametrize(
    ("mode", "facts", "status", "codes"),
    [
        ("post", NEWCOMER, "approved", []),
        ("pre", NEWCOMER, "pending", ["pre_moderation"]),
        ("first-time", NEWCOMER, "pending", ["first_time_author"]),
        ("first-time", TRUSTED, "approved", []),
        ("pre", TRUSTED, "approved", ["pre_moderation", "trusted_author"]),
    ],
)
def test_moderation_modes(mode, facts, status, codes):
    decision = submit(facts=facts, policy=Policy(mode=mode))
    assert decision.status == status
    assert [reason.code for reason in decision.reasons] == codes


SOFT_HOLD_SUBMISSIONS = {
    "pre_moderation": ({}, Policy(mode="pre")),
    "first_time_author": ({}, Policy(mode="first-time", trusted_after=10)),
    "suspect_word": ({"body": "What about crypto?"}, POLICY),
    "too_many_links": ({"links": ("https://a.example",) * 3}, POLICY),
    "shouting": ({"body": "THIS IS REALLY THE BEST ARTICLE EVER", "website": "https://ann.example"}, POLICY),
    "character_flood": ({"body": "Wowwwwwwwwwwwwwwwwww", "website": "https://ann.example"}, POLICY),
    "contact_details": ({"body": "Write to me at ann.lee@example.com about it"}, POLICY),
    "trade_website": ({"website": "https://cheap-cialis-pills.example"}, POLICY),
    "disposable_email": ({"email": "ann@yopmail.com"}, POLICY),
    "too_fast": ({"fill_seconds": 0.5}, POLICY),
    "missing_form_token": ({"fill_seconds": None}, Policy(require_form_token=True)),
}


@pytest.mark.parametrize("code", sorted(SOFT_HOLD_SUBMISSIONS))
def test_soft_hold_is_held_for_a_newcomer(code):
    changes, policy = SOFT_HOLD_SUBMISSIONS[code]
    decision = submit(facts=NEWCOMER, policy=policy, **changes)
    assert decision.status == "pending"
    assert code in [reason.code for reason in decision.reasons]


# first_time_author, contact_details and trade_website never fire for an author with approved comments.
@pytest.mark.parametrize("code", sorted(SOFT_HOLD_SUBMISSIONS.keys() - {"first_time_author", "contact_details",
                                                                        "trade_website"}))
def test_trusted_author_skips_a_soft_hold_and_the_decision_says_why(code):
    changes, policy = SOFT_HOLD_SUBMISSIONS[code]
    trusted = Facts(now=NOW, author_approved=max(policy.trusted_after, 5))
    decision = submit(facts=trusted, policy=policy, **changes)
    assert (decision.status, decision.verdict) == ("approved", APPROVE)
    *held, lifted = decision.reasons
    assert code in [reason.code for reason in held]
    assert (lifted.code, lifted.verdict) == ("trusted_author", APPROVE)
    assert lifted.matched == tuple(reason.code for reason in held)
    assert lifted.message.startswith("Published without review: the author has")


def test_a_campaigns_copy_is_held_unless_a_moderator_approved_its_author_before():
    """Trust the rules gave (comments that stayed published) does not lift it: a campaign
    can plant harmless comments first."""
    campaign = {"body": "Earn 500 dollars a day from home, ask me how"}
    for facts in (Facts(now=NOW, copies_recent=4), Facts(now=NOW, copies_recent=4, author_approved=5)):
        held = submit(facts=facts, **campaign)
        assert held.status == "pending" and [r.code for r in held.reasons] == ["copied_text"]
    trusted = submit(facts=Facts(now=NOW, copies_recent=4, author_approved=5, moderator_approvals=5), **campaign)
    assert trusted.status == "approved" and [r.code for r in trusted.reasons] == ["copied_text", "trusted_author"]


@pytest.mark.parametrize(
    "changes",
    [
        {"body": "casino"},
        {"links": ("https://spam.example",)},
        {"honeypot": "x"},
        {"body": "x" * 20_000},
        {"author": "A" * 200},
    ],
)
def test_trust_never_lifts_a_reject(changes):
    decision = submit(facts=TRUSTED, **changes)
    assert decision.verdict == REJECT
    assert "trusted_author" not in [reason.code for reason in decision.reasons]


def test_trust_never_lifts_a_block_or_repeat_post():
    facts = Facts(now=NOW, author_approved=50, duplicate_recent=True, blocks=(Block("name", "ann"),))
    decision = submit(facts=facts, body="What about crypto?")
    assert decision.status == "rejected"
    assert [reason.code for reason in decision.reasons] == ["blocked_name", "repeat_post", "suspect_word"]


def test_trust_does_not_lift_a_hold_that_is_not_soft():
    facts = Facts(now=NOW, author_approved=3, author_rejected=9)
    decision = submit(facts=facts, body="What about crypto?")
    assert decision.status == "pending"
    assert [reason.code for reason in decision.reasons] == ["suspect_word", "rejection_history"]


@pytest.mark.parametrize(
    ("policy", "approved", "status"),
    [
        (Policy(trusted_after=3), 2, "pending"),
        (Policy(trusted_after=3), 3, "approved"),
        (Policy(trusted_after=1, trust_enabled=False), 100, "pending"),
    ],
)
def test_trust_needs_enough_approved_comments_and_trust_enabled(policy, approved, status):
    decision = submit(facts=Facts(now=NOW, author_approved=approved), policy=policy, fill_seconds=0.1)
    assert decision.status == status


def test_every_reason_carries_a_message_and_a_valid_verdict():
    facts = Facts(now=NOW, author_rejected=5, duplicate_recent=True,
                  blocks=(Block("email", "ann@example.com"), Block("ip", "h"), Block("name", "Ann")))
    decision = submit(
        facts=facts, policy=Policy(mode="pre", banned_words=("casino",), suspect_words=("crypto",),
                                   blocked_domains=("spam.example",), require_form_token=True),
        body="CASINO CRYPTO CASINO CRYPTO!!!!!!!!!!!!!!", ip_hash="h", email="ann@example.com",
        links=("https://spam.example",) * 3, fill_seconds=None, honeypot="x",
    )
    assert decision.status == "spam"
    assert len(decision.reasons) >= 12
    assert all(isinstance(reason, Reason) and reason.message for reason in decision.reasons)
    assert {reason.verdict for reason in decision.reasons} <= {HOLD, REJECT}


def test_reason_with_an_unknown_verdict_is_refused():
    with pytest.raises(ValueError):
        Reason("x", "maybe", "message")
