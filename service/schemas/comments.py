"""marshmallow schemas for every API input and output."""

from __future__ import annotations

import re

from flask import current_app
from marshmallow import EXCLUDE, RAISE, Schema, ValidationError, fields, post_load, validate, validates

from service.models import MAX_ID
from service.moderation.sanitize import clean_text, clean_website

MAX_ARTICLES_PER_COUNT = 100


def validate_article_key(value: str) -> None:
    if not 1 <= len(value) <= 255:
        raise ValidationError("Article IDs are 1 to 255 characters long.")
    if not value.isprintable() or not value.strip():
        raise ValidationError("Article IDs contain printable characters only.")


def validate_body(value: str) -> None:
    limit = current_app.config["MAX_BODY_CHARS"]
    if not value:
        raise ValidationError("Write something first.")
    if len(value) > limit:
        raise ValidationError(f"Longer than maximum length {limit}.")


_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


class SafeString(fields.String):
    """Text that must be kept exactly: refused if it holds characters no database can store."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if _UNSTORABLE.search(text):
            raise ValidationError("Contains characters that cannot be stored (NUL or lone surrogates).")
        return text


class Body(fields.String):
    """The comment text: control characters dropped, then the length limits checked."""

    def _deserialize(self, value, attr, data, **kwargs):
        return clean_text(super()._deserialize(value, attr, data, **kwargs), multiline=True)


class ArticleKey(fields.String):
    """The site's own ID for an article: a slug, a number, a URL path."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("metadata", {"minLength": 1, "maxLength": 255})  # the OpenAPI document says so
        super().__init__(validate=validate_article_key, **kwargs)


class CleanString(fields.String):
    """A one-line text field: control characters and line breaks removed on load."""

    def __init__(self, *, max_length: int, required: bool = False, **kwargs) -> None:
        self.max_length = max_length
        super().__init__(required=required, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        text = clean_text(super()._deserialize(value, attr, data, **kwargs))
        if len(text) > self.max_length:
            raise ValidationError(f"Longer than maximum length {self.max_length}.")
        return text


class CommentCreateSchema(Schema):
    class Meta:
        unknown = RAISE

    article = ArticleKey(required=True)
    author = CleanString(required=True, max_length=200, metadata={"minLength": 1, "maxLength": 200})
    email = fields.Email(load_default=None, allow_none=True, validate=validate.Length(max=254))
    website = SafeString(load_default=None, allow_none=True, validate=validate.Length(max=2048))
    body = Body(required=True, validate=validate_body, metadata={"minLength": 1})
    parent_id = fields.Integer(load_default=None, allow_none=True, strict=True,
                               validate=validate.Range(min=1, max=MAX_ID))
    title = CleanString(load_default=None, allow_none=True, max_length=300,
                        metadata={"description": "The article's title, recorded when it is first seen."})
    url = SafeString(load_default=None, allow_none=True, validate=validate.Length(max=2048),
                        metadata={"description": "The article's address, recorded when it is first seen."})
    author_token = SafeString(load_default=None, allow_none=True, validate=validate.Length(max=100),
                                 metadata={"description": "The token returned with this reader's first "
                                                          "comment: what makes them a known author."})
    form_token = SafeString(load_default=None, allow_none=True, validate=validate.Length(max=200),
                               metadata={"description": "The signed timestamp the comment form carries."})
    homepage = SafeString(load_default=None, allow_none=True, validate=validate.Length(max=2048),
                             metadata={"description": "Leave empty. (A field for bots to fill.)"})
    notify_replies = fields.Boolean(load_default=False,
                                    metadata={"description": "Mail the author when a reply to this comment is "
                                                             "published (needs `email`; every mail has a "
                                                             "one-click unsubscribe)."})

    @validates("author")
    def _author(self, value: str, **_) -> None:
        if not value:
            raise ValidationError("Enter a name.")

    @post_load
    def _clean(self, data: dict, **_) -> dict:
        if data.get("email"):
            data["email"] = data["email"].strip().lower()
        elif data.get("notify_replies"):
            raise ValidationError("Enter an email address to get replies by mail.", "notify_replies")
        website = data.get("website")
        if website is not None and website.strip():
            cleaned = clean_website(website)
            if cleaned is None:
                raise ValidationError("Enter a web address starting with http:// or https://.", "website")
            data["website"] = cleaned
        else:
            data["website"] = None
        url = data.get("url")
        data["url"] = clean_website(url) if url else None
        return data


class CommentEditSchema(Schema):
    class Meta:
        unknown = RAISE

    body = Body(required=True, validate=validate_body, metadata={"minLength": 1})


class ThreadQuerySchema(Schema):
    class Meta:
        unknown = EXCLUDE

    article = ArticleKey(required=True)
    order = fields.String(load_default="oldest", validate=validate.OneOf(["oldest", "newest", "top"]),
                          metadata={"description": "top: by a confidence score of likes and dislikes (Wilson "
                                                   "lower bound); pinned comments come first in every order."})
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class CountsQuerySchema(Schema):
    class Meta:
        unknown = EXCLUDE

    article = fields.List(ArticleKey(), required=True,
                          validate=validate.Length(min=1, max=MAX_ARTICLES_PER_COUNT),
                          metadata={"description": "Repeat for each article (up to 100)."})


class CommentSchema(Schema):
    id = fields.Integer()
    article = fields.String()
    parent_id = fields.Integer(allow_none=True)
    author = fields.String()
    website = fields.String(allow_none=True)
    body_html = fields.String()
    status = fields.String()
    created = fields.DateTime()
    edited = fields.Boolean()
    by_moderator = fields.Boolean(metadata={"description": "Written by a logged-in moderator of the site."})


class ThreadCommentSchema(CommentSchema):
    likes = fields.Integer(allow_none=True, metadata={"description": "null when the site takes no votes."})
    dislikes = fields.Integer(allow_none=True, metadata={"description": "null unless the site takes dislikes."})
    pinned = fields.Boolean(metadata={"description": "Pinned by a moderator: shown first."})
    avatar = fields.String(allow_none=True, metadata={
        "description": "The author's picture: a path on this service (/avatars/KEY.svg), Gravatar's address "
                       "when the site chose it, or null when the site shows none."})
    replies = fields.List(fields.Nested(lambda: ThreadCommentSchema()))


class ThreadSchema(Schema):
    article = fields.String()
    count = fields.Integer()
    order = fields.String()
    page = fields.Integer()
    per_page = fields.Integer()
    total_threads = fields.Integer(metadata={"description": "Top-level comments on every page."})
    comments = fields.List(fields.Nested(ThreadCommentSchema))


class CountsSchema(Schema):
    counts = fields.Dict(keys=fields.String(), values=fields.Integer())


class ReasonSchema(Schema):
    code = fields.String()
    verdict = fields.String()
    message = fields.String()
    matched = fields.List(fields.String())


class NewCommentSchema(CommentSchema):
    avatar = fields.String(allow_none=True, metadata={
        "description": "The address of its picture, as the thread gives it (null with avatars off)."})


class CreatedCommentSchema(Schema):
    status = fields.String(metadata={"description": "approved (published) or pending (awaiting moderation)."})
    message = fields.String()
    comment = fields.Nested(NewCommentSchema)
    edit_token = fields.String(metadata={"description": "Shown once; send as X-Edit-Token to edit or delete."})
    edit_until = fields.DateTime()
    author_token = fields.String(allow_none=True, metadata={
        "description": "Keep and send back with later comments; null when the request sent one."})


class ErrorSchema(Schema):
    code = fields.Integer()
    status = fields.String()
    message = fields.String()
    errors = fields.Dict()
    reasons = fields.List(fields.Nested(ReasonSchema))
    comment_id = fields.Integer(metadata={"description": "The refused comment (403 from a rule)."})
    current_status = fields.String(metadata={"description": "The comment's status now (409)."})
    current_revision = fields.Integer(metadata={"description": "The comment's revision now (409)."})
