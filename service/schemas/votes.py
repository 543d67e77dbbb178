"""marshmallow schemas of readers' votes."""

from __future__ import annotations

from marshmallow import RAISE, Schema, fields, validate

from service.schemas.comments import SafeString


class VoteCreateSchema(Schema):
    class Meta:
        unknown = RAISE

    value = fields.Integer(required=True, strict=True,
                           validate=validate.OneOf([1, -1, 0], error="Must be 1 (like), -1 (dislike) or 0 (withdraw)."),
                           metadata={"enum": [1, -1, 0], "description": "1 like, -1 dislike, 0 withdraw your vote."})
    author_token = SafeString(load_default=None, allow_none=True, validate=validate.Length(max=100),
                              metadata={"description": "The token returned with this reader's first comment: "
                                                       "their vote then follows them rather than their address."})


class VoteResultSchema(Schema):
    comment_id = fields.Integer()
    likes = fields.Integer()
    dislikes = fields.Integer()
    vote = fields.Integer(metadata={"description": "This reader's vote now: 1, -1 or 0."})
