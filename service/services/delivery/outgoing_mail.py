"""The outbox worker's view of one mail: build the message, or say why it must not leave.

Reader mail (reply and thread notifications) is checked again when it leaves, not only when it
was queued: the reader may have unsubscribed, or been erased, in between; and it goes only to
an address still confirmed for the site.
"""

from __future__ import annotations

from email.message import EmailMessage

from service.delivery import Result, mail
from service.extensions import db
from service.models import Comment, ConfirmedAddress, OutboxMessage
from service.services.delivery import addresses, subscriptions
from service.services.delivery.notifications import unsubscribe_token


def prepare(message: OutboxMessage) -> EmailMessage | Result:
    """The message to send, or the Result to record when there is nothing to send."""
    unsubscribe_url = confirm_url = None
    if message.event == "comment.reply":
        opted_in = db.session.get(Comment, message.payload.get("notify_comment_id") or 0)
        if opted_in is None or not opted_in.notify_replies:
            return Result(ok=False, error="The reader unsubscribed before delivery.", permanent=True)
        if not addresses.is_confirmed(message.site_id, opted_in.email):
            return Result(ok=False, error="The address is not confirmed.", permanent=True)
        unsubscribe_url = f"{mail.public_url()}/notifications/unsubscribe?token={unsubscribe_token(opted_in.id)}"
    elif message.event == subscriptions.THREAD_EVENT:
        subscription = subscriptions.active_subscription(message.payload.get("subscription_id"))
        if subscription is None:
            return Result(ok=False, error="The subscription ended before delivery.", permanent=True)
        token = subscriptions.unsubscribe_token(subscription.id)
        unsubscribe_url = f"{mail.public_url()}/notifications/thread/unsubscribe?token={token}"
    elif message.event == addresses.CONFIRM_EVENT:
        row = db.session.get(ConfirmedAddress, message.payload.get("confirm_id") or 0)
        if row is None or row.confirmed_at is not None:
            return Result(ok=False, error="Nothing to confirm any more.", permanent=True)
        confirm_url = f"{mail.public_url()}/notifications/confirm?token={addresses.confirmation_token(row.id)}"
    return mail.build(message.event, message.payload, message.recipient, unsubscribe_url, confirm_url)
