"""The JSON API (/api/v1), documented in the OpenAPI document at /api/v1/openapi.json."""

from __future__ import annotations

from threading import Lock

from flask import Flask
from flask_smorest import Api
from flask_smorest.spec import openapi_cli

from service.api import comments, counts, docs, flags, moderation, moderation_sites, preview, votes, webhooks
from service.api import subscriptions
from service.api.spec import BodyErrorsPlugin
from service.schemas.comments import ErrorSchema


class ServiceApi(Api):
    """flask-smorest's Api, except that the OpenAPI document is assembled on first read (the
    openapi.json route, the docs page, `flask openapi`) instead of at start-up: describing every
    schema is half the cost of building an app, and most workers never serve the document."""

    ERROR_SCHEMA = ErrorSchema  # documents the one error envelope as components/schemas/Error

    def __init__(self, app: Flask, **kwargs) -> None:
        self._document = None
        self._spec_options: dict | None = None
        self._undocumented: list = []  # (blueprint, name, parameters) in registration order
        self._documenters: list = []  # functions adding components of their own to the document
        self._build_lock = Lock()
        super().__init__(app, **kwargs)

    @property
    def spec(self):
        if self._document is None and self._spec_options is not None:
            with self._build_lock:
                if self._document is None:
                    self._build_document()
        return self._document

    @spec.setter
    def spec(self, value) -> None:
        self._document = value

    def _init_spec(self, **options) -> None:
        self._spec_options = options
        self._app.cli.add_command(openapi_cli)

    def register_blueprint(self, blp, *, parameters=None, **options) -> None:
        name = options.get("name", blp.name)
        self._app.extensions["flask-smorest"]["blp_name_to_api"][name] = self
        self._app.register_blueprint(blp, **options)
        self._undocumented.append((blp, name, parameters))

    def document_with(self, documenter) -> None:
        """`documenter(spec)` runs once, when the document is assembled."""
        self._documenters.append(documenter)

    def _build_document(self) -> None:
        options, self._spec_options = self._spec_options, None
        super()._init_spec(**options)  # sets self.spec through the setter above
        spec = self._document
        for documenter in self._documenters:
            documenter(spec)
        for blp, name, parameters in self._undocumented:
            blp.register_views_in_doc(self, self._app, spec, name=name, parameters=parameters)
            spec.tag({"name": name, "description": blp.description})


def init_api(app: Flask) -> Api:
    """One Api per app: it holds the app's OpenAPI document."""
    api = ServiceApi(app, spec_kwargs={
        "extra_plugins": [BodyErrorsPlugin()],
        "info": {"description": "Comments for blogs: submit, read, count and moderate."},
    })
    api.document_with(moderation.document_security)
    for module in (comments, counts, flags, moderation, moderation_sites, preview, webhooks, votes):
        api.register_blueprint(module.blp)
    api.register_blueprint(subscriptions.blp)
    app.register_blueprint(docs.blp)
    return api
