"""marshmallow schemas of thread subscriptions (the public API and the widget's form)."""

from __future__ import annotations

from marshmallow import RAISE, Schema, fields, post_load, validate

from service.schemas.comments import ArticleKey

ACCEPTED_MESSAGE = ("Check your inbox: mail about new comments starts once the address is confirmed "
                    "through the link sent to it (at most one such mail a day).")


class SubscriptionCreateSchema(Schema):
    class Meta:
        unknown = RAISE

    article = ArticleKey(required=True)
    email = fields.Email(required=True, validate=validate.Length(max=254),
                         metadata={"description": "Where to send mail about new comments on the article, "
                                                  "once confirmed."})

    @post_load
    def _clean(self, data: dict, **_) -> dict:
        data["email"] = data["email"].strip().lower()
        return data


class SubscriptionAcceptedSchema(Schema):
    status = fields.String(metadata={"description": "Always `accepted`: the answer says nothing about "
                                                    "the address."})
    message = fields.String()
