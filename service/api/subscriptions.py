"""Thread subscriptions: a reader asks for mail about new comments on an article."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from service.api import cors
from service.api.http import json_response, require_json_body
from service.extensions import csrf, limiter
from service.schemas.subscriptions import ACCEPTED_MESSAGE, SubscriptionAcceptedSchema, SubscriptionCreateSchema
from service.services.administration.sites import public_site
from service.services.delivery import subscriptions

blp = Blueprint("subscriptions", __name__, url_prefix="/api/v1", description="Subscribe to new comments by mail.")
blp.before_request(require_json_body)
blp.after_request(cors.add_cors_headers)
csrf.exempt(blp)  # public and cookie-less: nothing a forged request could borrow

SUBSCRIBE_LIMIT = "5 per minute;30 per hour"


@blp.route("/sites/<string:site>/subscriptions")
class SiteSubscriptions(MethodView):
    decorators = [limiter.limit(SUBSCRIBE_LIMIT, methods=["POST"])]

    @blp.arguments(SubscriptionCreateSchema())
    @blp.response(202, SubscriptionAcceptedSchema)
    @blp.alt_response(403, schema="Error", description="Sent from a page the site did not list.")
    @blp.alt_response(404, schema="Error", description="No such site.")
    @blp.alt_response(415, schema="Error", description="Not JSON.")
    @blp.alt_response(422, schema="Error", description="No article, or not an email address.")
    @blp.alt_response(429, schema="Error", description="Too many subscriptions from this address.")
    def post(self, data: dict, site: str):
        """Subscribe an email address to new comments on an article.

        Nothing is sent before the address is confirmed: a confirmation mail (at most one per
        address per day) carries a link to a page whose button confirms it. The answer is the same
        whether the address is new, confirmed or subscribed already. Every notification mail has a
        one-click unsubscribe (RFC 8058).
        """
        cors.require_allowed_origin(public_site(site))
        subscriptions.subscribe(site, data["article"], data["email"])
        return json_response({"status": "accepted", "message": ACCEPTED_MESSAGE}, 202)
