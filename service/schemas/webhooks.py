"""marshmallow schemas of the webhook API (admins only)."""

from __future__ import annotations

from marshmallow import EXCLUDE, RAISE, Schema, fields, validate

from service.schemas.comments import SafeString
from service.services.delivery.events import EVENTS
from service.services.delivery.webhooks import DELIVERY_STATUSES, SECRET_MAX, SECRET_MIN


class WebhookCreateSchema(Schema):
    class Meta:
        unknown = RAISE

    url = SafeString(required=True, validate=validate.Length(min=1, max=2048),
                     metadata={"description": "Where events are POSTed: an http:// or https:// URL."})
    events = fields.List(fields.String(validate=validate.OneOf(EVENTS)), load_default=list(EVENTS),
                         validate=validate.Length(min=1, max=len(EVENTS)),
                         metadata={"description": "Events to send (default: all of them)."})
    secret = SafeString(load_default=None, allow_none=True, validate=validate.Length(min=SECRET_MIN, max=SECRET_MAX),
                        metadata={"description": "The signing secret; generated when left out."})


class WebhookSchema(Schema):
    id = fields.Integer()
    url = fields.String()
    events = fields.List(fields.String())
    active = fields.Boolean()
    created = fields.DateTime(attribute="created_at")


class WebhookCreatedSchema(WebhookSchema):
    secret = fields.String(metadata={"description": "Shown once: verify X-Comments-Signature with it."})


class WebhookListSchema(Schema):
    webhooks = fields.List(fields.Nested(WebhookSchema))


class DeliveryQuerySchema(Schema):
    class Meta:
        unknown = EXCLUDE

    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))
    status = fields.String(load_default=None, validate=validate.OneOf(DELIVERY_STATUSES))


class AttemptSchema(Schema):
    attempted_at = fields.DateTime()
    status_code = fields.Integer(allow_none=True)
    error = fields.String(allow_none=True)
    duration_ms = fields.Integer()


class DeliverySchema(Schema):
    id = fields.Integer(metadata={"description": "The X-Comments-Delivery header of its calls."})
    webhook_id = fields.Integer(allow_none=True)
    event = fields.String()
    status = fields.String(metadata={"description": "pending, delivered or failed (gave up)."})
    attempts = fields.Integer()
    next_attempt_at = fields.DateTime(allow_none=True)
    last_error = fields.String(allow_none=True)
    created = fields.DateTime()
    delivered_at = fields.DateTime(allow_none=True)
    log = fields.List(fields.Nested(AttemptSchema))


class DeliveryListSchema(Schema):
    deliveries = fields.List(fields.Nested(DeliverySchema))
