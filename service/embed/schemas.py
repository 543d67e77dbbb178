"""What the embed page reads from its query string and its form."""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate

from service.embed.settings import ORDERS
from service.models import MAX_ID
from service.schemas.comments import ArticleKey


class EmbedQuerySchema(Schema):
    """The page's query: which article, and the per-embed overrides from data attributes."""

    class Meta:
        unknown = EXCLUDE

    article = ArticleKey(required=True)
    lang = fields.String(load_default=None, validate=validate.Length(max=16))
    order = fields.String(load_default=None, validate=validate.OneOf(ORDERS))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    reply = fields.Integer(load_default=None, validate=validate.Range(min=1, max=MAX_ID))
    status = fields.String(load_default=None, validate=validate.OneOf(
        ["approved", "pending", "subscribed", "voted", "unvoted", "vote_refused", "reported", "report_again",
         "report_refused", "too_many"]))
    voted = fields.Integer(load_default=None, validate=validate.Range(min=1, max=MAX_ID))
    own = fields.String(load_default=None, validate=validate.Length(max=200))
    title = fields.String(load_default=None, validate=validate.Length(max=300))
    url = fields.String(load_default=None, validate=validate.Length(max=2048))


# The form fields a reader's browser sends; anything else in the form is ignored.
FORM_FIELDS = ("author", "email", "website", "body", "parent_id", "title", "url", "form_token", "homepage",
               "notify_replies")
OPTIONAL_FORM_FIELDS = ("email", "website", "parent_id", "title", "url", "form_token", "notify_replies")
