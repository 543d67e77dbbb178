"""marshmallow schemas of the moderation API and of reader reports."""

from __future__ import annotations

from datetime import timezone

from marshmallow import EXCLUDE, INCLUDE, RAISE, Schema, ValidationError, fields, validate, validates_schema

from service.models import MAX_ID, REASON_CODE
from service.moderation.sanitize import clean_text
from service.schemas.comments import ArticleKey, Body, CleanString, ReasonSchema, SafeString, validate_body
from service.services.moderation.blocks import AUTHOR_KINDS, KINDS
from service.services.comments.flags import REASONS
from service.services.moderation.moderation_actions import MAX_BULK
from service.services.moderation.moderation_queries import STATUS_FILTERS

STATUSES = ("pending", "approved", "rejected", "spam", "deleted")
ID = {"strict": True, "validate": validate.Range(min=1, max=MAX_ID)}
QUERY_ID = {"validate": validate.Range(min=1, max=MAX_ID)}  # query strings carry digits as text


class Note(fields.String):
    """A free-text note for the history: control characters removed, at most 1,000 characters."""

    MAX = 1000

    def __init__(self, **kwargs) -> None:
        super().__init__(load_default=None, allow_none=True, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        text = clean_text(super()._deserialize(value, attr, data, **kwargs), multiline=True)
        if len(text) > self.MAX:
            raise ValidationError(f"Longer than maximum length {self.MAX}.")
        return text or None


class ModerationQuerySchema(Schema):
    class Meta:
        unknown = EXCLUDE

    site = SafeString(load_default=None, validate=validate.Length(max=64))
    status = fields.String(load_default="all", validate=validate.OneOf(STATUS_FILTERS))
    article = ArticleKey(load_default=None)
    q = SafeString(load_default=None, validate=validate.Length(max=200),
                      metadata={"description": "Text in the body or the author's name."})
    author = SafeString(load_default=None, validate=validate.Length(max=200))
    email = SafeString(load_default=None, validate=validate.Length(max=254))
    ip_hash = SafeString(load_default=None, validate=validate.Length(max=64))
    rule = fields.String(load_default=None, validate=validate.Regexp(REASON_CODE, error="Not a reason code."),
                         metadata={"description": "Comments a rule gave this reason (a reason's `code`, e.g. "
                                                  "`spam_score`), when they arrived or after an edit."})
    min_spam_score = fields.Float(load_default=None, validate=validate.Range(min=0, max=1),
                                  metadata={"description": "Comments the learned filter scored at least this "
                                                           "(0-1): what it found suspicious among the published."})
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class ModeratedCommentSchema(Schema):
    id = fields.Integer()
    site = fields.String()
    article = fields.String()
    parent_id = fields.Integer(allow_none=True)
    author = fields.String()
    email = fields.String(allow_none=True)
    website = fields.String(allow_none=True)
    body = fields.String()
    body_html = fields.String()
    status = fields.String()
    created = fields.DateTime()
    edited = fields.DateTime(allow_none=True)
    ip_hash = fields.String()
    flag_count = fields.Integer()
    revision = fields.Integer(metadata={"description": "Send back as `revision` to act only on what you saw."})
    reasons = fields.List(fields.Nested(ReasonSchema))
    pinned = fields.Boolean()
    by_moderator = fields.Boolean(metadata={"description": "Written by a logged-in moderator of the site."})
    likes = fields.Integer()
    dislikes = fields.Integer()
    spam_score = fields.Float(allow_none=True, metadata={
        "description": "The learned spam filter's probability that the text is spam (0-1), as its author sent "
                       "or last edited it; null where no filter scored it (turned off, imported)."})


class ModerationPageSchema(Schema):
    page = fields.Integer()
    per_page = fields.Integer()
    total = fields.Integer()
    comments = fields.List(fields.Nested(ModeratedCommentSchema))


class StrictBoolean(fields.Boolean):
    """true or false, not 1, "yes" or "on"."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


class StatusChangeSchema(Schema):
    class Meta:
        unknown = RAISE

    status = fields.String(validate=validate.OneOf(STATUSES))
    pinned = StrictBoolean(metadata={"description": "true pins the comment first in its thread; false unpins it."})
    note = Note()
    revision = fields.Integer(load_default=None, allow_none=True, **ID)

    @validates_schema
    def _something_to_do(self, data: dict, **_) -> None:
        if "status" not in data and "pinned" not in data:
            raise ValidationError("Send a status, pinned, or both.", "status")


class TextEditSchema(Schema):
    class Meta:
        unknown = RAISE

    body = Body(required=True, validate=validate_body)
    note = Note()
    revision = fields.Integer(load_default=None, allow_none=True, **ID)


class BulkSchema(Schema):
    class Meta:
        unknown = RAISE

    ids = fields.List(fields.Integer(**ID), required=True, validate=validate.Length(min=1, max=MAX_BULK))
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    note = Note()


class BulkConflictSchema(Schema):
    id = fields.Integer()
    message = fields.String()


class BulkResultSchema(Schema):
    updated = fields.List(fields.Integer())
    kept = fields.List(fields.Integer(), metadata={
        "description": "Of `updated`, the published comments readers reported that an approval kept "
                       "(their reports dismissed)."})
    conflicts = fields.List(fields.Nested(BulkConflictSchema))
    not_found = fields.List(fields.Integer())


class EventSchema(Schema):
    id = fields.Integer()
    comment_id = fields.Integer()
    action = fields.String(metadata={"description": "status or edit"})
    actor = fields.String(metadata={"description": "rules, moderator, author or system"})
    moderator = fields.String(allow_none=True, metadata={"description": "The moderator's email."})
    from_status = fields.String(allow_none=True)
    to_status = fields.String()
    reasons = fields.List(fields.Nested(ReasonSchema))
    note = fields.String(allow_none=True)
    created = fields.DateTime()
    body_before = fields.String(allow_none=True, metadata={"description": "An edit's text before it."})
    body_after = fields.String(allow_none=True, metadata={"description": "An edit's text after it."})


class EventListSchema(Schema):
    events = fields.List(fields.Nested(EventSchema))


class BlockCreateSchema(Schema):
    class Meta:
        unknown = RAISE

    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    value = SafeString(required=True, validate=validate.Length(min=1, max=254))
    expires_at = fields.AwareDateTime(load_default=None, allow_none=True, default_timezone=timezone.utc)
    note = CleanString(load_default=None, allow_none=True, max_length=500)


class AuthorBlockSchema(Schema):
    class Meta:
        unknown = RAISE

    kinds = fields.List(fields.String(validate=validate.OneOf(AUTHOR_KINDS)), load_default=list(AUTHOR_KINDS),
                        validate=validate.Length(min=1, max=3))
    expires_at = fields.AwareDateTime(load_default=None, allow_none=True, default_timezone=timezone.utc)
    note = CleanString(load_default=None, allow_none=True, max_length=500)


class BlockQuerySchema(Schema):
    class Meta:
        unknown = EXCLUDE

    include_expired = fields.Boolean(load_default=False)


class BlockSchema(Schema):
    id = fields.Integer()
    kind = fields.String()
    value = fields.String()
    note = fields.String(allow_none=True)
    expires_at = fields.DateTime(allow_none=True)
    created = fields.DateTime()
    created_by = fields.Integer(allow_none=True)


class BlockListSchema(Schema):
    blocks = fields.List(fields.Nested(BlockSchema))


class DryRunSchema(Schema):
    class Meta:
        unknown = RAISE

    body = Body(required=True, validate=validate_body)
    author = CleanString(load_default="", max_length=200)
    email = SafeString(load_default=None, allow_none=True, validate=validate.Length(max=254))
    website = SafeString(load_default=None, allow_none=True, validate=validate.Length(max=2048))


class DryRunResultSchema(Schema):
    status = fields.String()
    public_status = fields.String()
    verdict = fields.String()
    reasons = fields.List(fields.Nested(ReasonSchema))


class FlagCreateSchema(Schema):
    class Meta:
        unknown = RAISE

    reason = fields.String(required=True, validate=validate.OneOf(REASONS))
    note = Note()


class FlagSchema(Schema):
    id = fields.Integer()
    comment_id = fields.Integer()
    reason = fields.String()
    created = fields.DateTime()


class ModeratorFlagSchema(FlagSchema):
    note = fields.String(allow_none=True)


class FlagListSchema(Schema):
    flags = fields.List(fields.Nested(ModeratorFlagSchema))


class PolicyInputSchema(Schema):
    """Any policy keys; `policies.set_policy` validates them (keys left out take defaults)."""

    class Meta:
        unknown = INCLUDE


class PolicySchema(Schema):
    class Meta:
        unknown = INCLUDE

    policy = fields.Dict(metadata={"description": "The effective policy, defaults filled in."})


class SpamFilterQuerySchema(Schema):
    class Meta:
        unknown = EXCLUDE

    days = fields.Integer(load_default=30, validate=validate.Range(min=1, max=365),
                          metadata={"description": "How many days back the counts go (1-365)."})


class TrainingRunSchema(Schema):
    started_at = fields.DateTime()
    finished_at = fields.DateTime(allow_none=True, metadata={"description": "Null: the worker stopped during the "
                                                                            "run, or it is still running."})
    accepted = fields.Boolean(metadata={"description": "It put a new model into service."})
    reason = fields.String(metadata={"description": "Why, or the error a failed run met."})


class SpamFilterSchema(Schema):
    """What `spam_filter.summary` tells, as the API answers it."""

    enabled = fields.Boolean(metadata={"description": "The site's policy has `spam_filter` on."})
    model_version = fields.Integer(attribute="version",
                                   metadata={"description": "The model in service; 0 is the shipped base model."})
    trained_at = fields.DateTime(allow_none=True, metadata={"description": "Null for the shipped base model."})
    decisions = fields.Integer(metadata={"description": "Moderator decisions (of every site) it was trained on."})
    threshold = fields.Float(allow_none=True, metadata={"description": "The site holds comments scoring this or more."})
    own_threshold = fields.Boolean(metadata={"description": "The site set `spam_threshold` itself."})
    max_false_holds = fields.Float(metadata={"description": "The share of legitimate comments the automatic "
                                                            "threshold allows to hold (`spam_max_false_holds`)."})
    since = fields.DateTime(metadata={"description": "The start of the period the counts cover (`days` back)."})
    held = fields.Integer(metadata={"description": "Comments the filter held for review in the period."})
    released = fields.Integer(metadata={"description": "Of those, the ones moderators have approved since."})
    marked_spam = fields.Integer(metadata={"description": "Of those, the ones moderators have marked as spam."})
    last_training_run = fields.Nested(TrainingRunSchema, attribute="last_run", allow_none=True,
                                      metadata={"description": "The last training run (of the one model all sites "
                                                               "share); null before the first."})


class EventLogQuerySchema(Schema):
    class Meta:
        unknown = EXCLUDE

    site = SafeString(load_default=None, validate=validate.Length(max=64))
    moderator = fields.Integer(load_default=None, **QUERY_ID)
    before = fields.Integer(load_default=None, metadata={"description": "The last event id of the previous page."},
                            **QUERY_ID)
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class EventLogSchema(Schema):
    events = fields.List(fields.Nested(lambda: LoggedEventSchema()))
    next_before = fields.Integer(allow_none=True)


class LoggedEventSchema(EventSchema):
    site_id = fields.Integer()
    article = fields.String(allow_none=True)
