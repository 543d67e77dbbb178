"""Pages a reader reaches from notification mail: the reply-mail unsubscribe.

`GET /notifications/unsubscribe?token=...` only shows a confirmation with a POST form, because
mail scanners and link previewers follow every link in a mail. `POST` to the same address
unsubscribes: from that form, or straight from a mail client that honours RFC 8058
(`List-Unsubscribe-Post: List-Unsubscribe=One-Click`, the token in the URL).
"""

from __future__ import annotations

from flask import Blueprint, Flask, render_template, request

from service.extensions import csrf, limiter
from service.notifications import reader_mail
from service.services.delivery import notifications

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


@bp.get("/unsubscribe")
def unsubscribe_form():
    token = request.args.get("token", "")
    notifications.comment_id_from(token)  # a broken link says so now, not after a click
    response = render_template("notifications/unsubscribe.html", token=token, done=False)
    return response, 200, {"Cache-Control": "private, no-store", "Referrer-Policy": "no-referrer"}


@bp.post("/unsubscribe")
@limiter.limit("30 per minute")
def unsubscribe():
    notifications.unsubscribe(request.form.get("token") or request.args.get("token"))
    response = render_template("notifications/unsubscribe.html", done=True)
    return response, 200, {"Cache-Control": "private, no-store", "Referrer-Policy": "no-referrer"}


# No CSRF token on this POST, deliberately: a one-click unsubscribe comes from a mail client
# with no session and no page of ours, and the signed token in the request is itself the proof
# that the sender got the mail. A forged cross-site POST would need that token, and at worst
# it turns notification mail off.
csrf.exempt(unsubscribe)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.register_blueprint(reader_mail.bp)
