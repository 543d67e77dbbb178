import pytest

from service.moderation.transitions import ALLOWED, STATUSES, TransitionError, check_transition, counter_deltas


@pytest.mark.parametrize(("old", "new", "deltas"), [
    (None, "approved", (1, 0)),
    (None, "pending", (0, 1)),
    (None, "rejected", (0, 0)),
    ("pending", "approved", (1, -1)),
    ("approved", "rejected", (-1, 0)),
    ("approved", "pending", (-1, 1)),
    ("spam", "approved", (1, 0)),
    ("deleted", "pending", (0, 1)),
])
def test_counter_deltas_follow_the_move(old, new, deltas):
    assert counter_deltas(old, new) == deltas


@pytest.mark.parametrize("status", STATUSES)
def test_nothing_moves_to_itself(status):
    with pytest.raises(TransitionError):
        check_transition(status, status)


@pytest.mark.parametrize("new", ["rejected", "spam"])
def test_deleted_comes_back_only_through_review_or_approval(new):
    with pytest.raises(TransitionError):
        check_transition("deleted", new)


def test_unknown_status_is_refused():
    with pytest.raises(TransitionError):
        check_transition("pending", "published")


def test_every_allowed_move_keeps_counters_consistent():
    # Applying every allowed move from a start state must never drive a counter negative.
    for old, targets in ALLOWED.items():
        start = counter_deltas(None, old)
        for new in targets:
            step = counter_deltas(old, new)
            assert start[0] + step[0] >= 0 and start[1] + step[1] >= 0
