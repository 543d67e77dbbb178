"""Reader mail pages: confirming an address, ending a thread subscription, and the widget's
subscribe form.

As with the reply unsubscribe, a link in a mail only ever shows a page; the change is the POST
its button sends (mail scanners and link previewers follow every link, they submit no forms).
These POSTs carry no CSRF token: the signed token in the request is the proof that the sender
got the mail, and a mail client's one-click unsubscribe (RFC 8058) has no session or page of ours.
"""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request
from marshmallow import ValidationError

from service.api import cors
from service.embed.views import Page, _render
from service.extensions import csrf, limiter
from service.schemas.subscriptions import SubscriptionCreateSchema
from service.services.administration.sites import public_site
from service.services.delivery import addresses, subscriptions

bp = Blueprint("reader_mail", __name__)

PRIVATE = {"Cache-Control": "private, no-store", "Referrer-Policy": "no-referrer"}
WIDGET_SUBSCRIBE_LIMIT = "5 per minute;30 per hour"
_SUBSCRIPTION = SubscriptionCreateSchema()


@bp.get("/notifications/confirm")
def confirm_page():
    token = request.args.get("token", "")
    row = addresses.pending_row(token)  # a broken or old link says so now, not after a click
    html = render_template("notifications/confirm.html", token=token, done=row.confirmed_at is not None,
                           site_name=addresses.site_name_for(row))
    return html, 200, PRIVATE


@bp.post("/notifications/confirm")
@limiter.limit("30 per minute")
def confirm():
    row = addresses.confirm(request.form.get("token"))
    html = render_template("notifications/confirm.html", done=True, site_name=addresses.site_name_for(row))
    return html, 200, PRIVATE


@bp.get("/notifications/thread/unsubscribe")
def thread_unsubscribe_page():
    token = request.args.get("token", "")
    subscriptions.subscription_id_from(token)
    return render_template("notifications/thread_unsubscribe.html", token=token, done=False), 200, PRIVATE


@bp.post("/notifications/thread/unsubscribe")
@limiter.limit("30 per minute")
def thread_unsubscribe():
    subscriptions.unsubscribe(request.form.get("token") or request.args.get("token"))
    return render_template("notifications/thread_unsubscribe.html", done=True), 200, PRIVATE


@bp.post("/embed/<string:site>/subscribe")
@limiter.limit(WIDGET_SUBSCRIBE_LIMIT)
def subscribe_from_widget(site: str):
    """The widget's subscribe form, with or without JavaScript: back to the comments page with a
    status line that is the same whatever the address's state."""
    page = Page(site)
    cors.require_allowed_origin(public_site(site))
    try:
        data = _SUBSCRIPTION.load({"article": page.key, "email": request.form.get("email", "")[:300]})
    except ValidationError:
        return _render(page, status={"kind": "subscribe_invalid"}, code=422)
    subscriptions.subscribe(site, data["article"], data["email"])
    return redirect(page.url(status="subscribed") + "#status", code=303)


for view in (confirm, thread_unsubscribe, subscribe_from_widget):
    csrf.exempt(view)
