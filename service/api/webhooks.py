"""Webhooks of a site and their delivery log, for administrators (session or API token).

Registering a URL decides where the service sends data, so only administrators may; a site's
moderators may not.
"""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from service.api.http import require_json_body
from service.api.moderation import documented
from service.auth import guard_api, require_admin
from service.extensions import csrf
from service.schemas.webhooks import (DeliveryListSchema, DeliveryQuerySchema, WebhookCreatedSchema,
                                      WebhookCreateSchema, WebhookListSchema)
from service.services.delivery import webhooks
from service.api.moderation_sites import moderated_site

blp = Blueprint("webhooks", __name__, url_prefix="/api/v1/moderation/sites",
                description="A site's webhooks and their delivery log (administrators).")
blp.before_request(guard_api)
blp.before_request(require_json_body)
csrf.exempt(blp)

NO_SITE = (404, "No such site.")


def _site(slug: str):
    """The site, if the caller is an administrator (who moderates every site)."""
    actor, site = moderated_site(slug)
    require_admin(actor)
    return site


def _hook(webhook, secret: bool = False) -> dict:
    data = {"id": webhook.id, "url": webhook.url, "events": webhook.events, "active": webhook.active,
            "created_at": webhook.created_at}
    if secret:
        data["secret"] = webhook.secret
    return data


@blp.route("/<string:site>/webhooks")
class SiteWebhooks(MethodView):
    @blp.response(200, WebhookListSchema)
    @documented(NO_SITE, blueprint=blp)
    def get(self, site: str):
        """The site's webhooks (never their secrets)."""
        return {"webhooks": [_hook(w) for w in webhooks.list_webhooks(_site(site))]}

    @blp.arguments(WebhookCreateSchema())
    @blp.response(201, WebhookCreatedSchema)
    @documented(NO_SITE, blueprint=blp)
    def post(self, data: dict, site: str):
        """Register a webhook. The answer holds the signing secret, shown this once."""
        webhook = webhooks.create_webhook(_site(site), data["url"], data["events"], data["secret"])
        return _hook(webhook, secret=True)


@blp.route("/<string:site>/webhooks/<int:webhook_id>")
class SiteWebhook(MethodView):
    @blp.response(204)
    @documented((404, "No such site or webhook."), blueprint=blp)
    def delete(self, site: str, webhook_id: int):
        """Remove a webhook, with its queued deliveries and their log."""
        webhooks.delete_webhook(webhook_id, _site(site))
        return ""


@blp.route("/<string:site>/webhooks/deliveries")
class SiteDeliveries(MethodView):
    @blp.arguments(DeliveryQuerySchema(), location="query")
    @blp.response(200, DeliveryListSchema)
    @documented(NO_SITE, blueprint=blp)
    def get(self, query: dict, site: str):
        """The delivery log: the latest webhook deliveries, newest first, each with every attempt."""
        rows = webhooks.deliveries(_site(site), query["limit"], query["status"])
        return {"deliveries": [delivery_payload(d) for d in rows]}


def delivery_payload(delivery: webhooks.Delivery) -> dict:
    m = delivery.message
    return {"id": m.id, "webhook_id": m.webhook_id, "event": m.event, "status": m.status, "attempts": m.attempts,
            "next_attempt_at": m.next_attempt_at if m.status == "pending" else None, "last_error": m.last_error,
            "created": m.created_at, "delivered_at": m.delivered_at,
            "log": [{"attempted_at": a.attempted_at, "status_code": a.status_code, "error": a.error,
                     "duration_ms": a.duration_ms} for a in delivery.attempts]}
