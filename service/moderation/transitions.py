"""The comment status machine: which moves are allowed and what they do to the counters."""

from __future__ import annotations

PENDING, APPROVED, REJECTED, SPAM, DELETED = "pending", "approved", "rejected", "spam", "deleted"
STATUSES = (PENDING, APPROVED, REJECTED, SPAM, DELETED)

# Every status may move to every other, except that a deleted comment comes back only
# through review (pending) or straight to approved; and nothing moves to itself.
ALLOWED = {
    PENDING: {APPROVED, REJECTED, SPAM, DELETED},
    APPROVED: {PENDING, REJECTED, SPAM, DELETED},
    REJECTED: {PENDING, APPROVED, SPAM, DELETED},
    SPAM: {PENDING, APPROVED, REJECTED, DELETED},
    DELETED: {PENDING, APPROVED},
}


class TransitionError(ValueError):
    def __init__(self, from_status: str | None, to_status: str) -> None:
        self.from_status = from_status
        self.to_status = to_status
        super().__init__(f"A {from_status} comment cannot become {to_status}.")


def check_transition(from_status: str | None, to_status: str) -> None:
    """Raise TransitionError unless the move is allowed (None = a new comment)."""
    if to_status not in STATUSES:
        raise TransitionError(from_status, to_status)
    if from_status is None:
        return
    if to_status not in ALLOWED.get(from_status, set()):
        raise TransitionError(from_status, to_status)


def counter_deltas(from_status: str | None, to_status: str) -> tuple[int, int]:
    """(approved, pending) counter changes for a move."""
    approved = (to_status == APPROVED) - (from_status == APPROVED)
    pending = (to_status == PENDING) - (from_status == PENDING)
    return approved, pending
