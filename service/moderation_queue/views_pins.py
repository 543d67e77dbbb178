"""Pinning from the moderator pages: a small form on each comment (queue, comment and article pages)."""

from __future__ import annotations

from service.moderation_queue.blueprint import actor, bp, done, form_error
from service.moderation_queue.forms import PinForm
from service.services.moderation import pins


@bp.post("/comments/<int:comment_id>/pin")
def set_pinned(comment_id: int):
    form = PinForm()
    if not form.validate_on_submit():
        raise form_error(form)
    comment = pins.set_pinned(actor(), comment_id, form.pinned.data == "1")
    return done({"id": comment.id, "pinned": comment.pinned},
                f"{'Pinned' if comment.pinned else 'Unpinned'}: comment {comment.id}.")
