"""Runs every rule on a submission and combines their reasons into one decision.

Reject beats hold beats approve. A trusted author (enough approved comments, trust enabled)
skips holds that only express caution about unknown authors (`rules.SOFT_HOLDS`; the learned
filter's hold only when a moderator approved them), never a reject; the decision then records
that trust released it. A filled honeypot is stored as spam and told "pending", so a bot
learns nothing. The decision carries the learned filter's probability for the draft (scored
once, before the rules), which the comment keeps for moderators to see and filter by.
"""

from __future__ import annotations

from dataclasses import replace

from .policy import Policy
from .rules import MODERATOR_TRUST_HOLDS, RULES, SOFT_HOLDS, SPAM_CODES, spam_probability
from .types import APPROVE, HOLD, REJECT, VERDICTS, Decision, Draft, Facts, Reason

_STATUS = {APPROVE: "approved", HOLD: "pending", REJECT: "rejected"}
_SEVERITY = {verdict: rank for rank, verdict in enumerate(VERDICTS)}


def decide(draft: Draft, facts: Facts, policy: Policy) -> Decision:
    # Scored once, whatever the rules decide: the queue shows every comment's score.
    probability = spam_probability(draft, facts, policy)
    if probability is not None:
        facts = replace(facts, spam_probability=probability)
    reasons: list[Reason] = []
    for rule in RULES:
        result = rule(draft, facts, policy)
        if isinstance(result, Reason):
            reasons.append(result)
        elif result:
            reasons.extend(result)

    verdict = max((reason.verdict for reason in reasons), key=_SEVERITY.__getitem__, default=APPROVE)
    if verdict == HOLD and is_trusted(facts, policy):
        held = [reason.code for reason in reasons if reason.verdict == HOLD]
        if _skippable(facts, policy).issuperset(held):
            reasons.append(Reason(
                "trusted_author", APPROVE,
                f"Published without review: the author has {facts.author_approved} approved "
                f"comment{'' if facts.author_approved == 1 else 's'}.",
                tuple(held),
            ))
            verdict = APPROVE

    spam = any(reason.code in SPAM_CODES for reason in reasons)
    return Decision("spam" if spam else _STATUS[verdict], verdict, tuple(reasons), probability)


def _skippable(facts: Facts, policy: Policy) -> frozenset[str]:
    """Trust a moderator gave (approvals by a moderator) also lifts the learned filter's hold;
    trust the rules gave does not, or a spammer's first harmless comment would open the door."""
    if facts.moderator_approvals >= policy.trusted_after:
        return SOFT_HOLDS | MODERATOR_TRUST_HOLDS
    return SOFT_HOLDS


def is_trusted(facts: Facts, policy: Policy) -> bool:
    return policy.trust_enabled and facts.author_approved >= policy.trusted_after
