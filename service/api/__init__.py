"""The JSON API (/api/v1), documented in the OpenAPI document at /api/v1/openapi.json."""

from __future__ import annotations

from flask import Flask
from flask_smorest import Api

from service.api import comments, counts, docs, flags, moderation, moderation_sites, preview, webhooks
from service.api import subscriptions
from service.api.spec import BodyErrorsPlugin
from service.schemas.comments import ErrorSchema


class ServiceApi(Api):
    ERROR_SCHEMA = ErrorSchema  # documents the one error envelope as components/schemas/Error


def init_api(app: Flask) -> Api:
    """One Api per app: it holds the app's OpenAPI document."""
    api = ServiceApi(app, spec_kwargs={
        "extra_plugins": [BodyErrorsPlugin()],
        "info": {"description": "Comments for blogs: submit, read, count and moderate."},
    })
    for module in (comments, counts, flags, moderation, moderation_sites, preview, webhooks):
        api.register_blueprint(module.blp)
    api.register_blueprint(subscriptions.blp)
    app.register_blueprint(docs.blp)
    return api
