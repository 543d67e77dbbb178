"""Reply notifications: the signed unsubscribe token and the unsubscribe itself.

The token names the comment whose author opted in, signed with the app's SECRET_KEY, and does
not expire: an old mail's unsubscribe link must keep working. Unsubscribing turns reply mail
off for every comment that reader (the same email address) left on that site.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from service.errors import BadRequest
from service.extensions import db
from service.models import Article, Comment

_SALT = "reply-notifications-unsubscribe"
MAX_TOKEN_LENGTH = 200


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def unsubscribe_token(comment_id: int) -> str:
    return _serializer().dumps({"c": comment_id})


def comment_id_from(token: str | None) -> int:
    """The comment a token names, or a 400 for anything that is not a token of ours."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        raise BadRequest("This unsubscribe link is incomplete or not valid.")
    try:
        data = _serializer().loads(token)
    except BadSignature:
        raise BadRequest("This unsubscribe link is incomplete or not valid.") from None
    comment_id = data.get("c") if isinstance(data, dict) else None
    if not isinstance(comment_id, int) or isinstance(comment_id, bool):
        raise BadRequest("This unsubscribe link is incomplete or not valid.")
    return comment_id


def unsubscribe(token: str | None) -> int:
    """Stop reply mail to the address behind the token on its site; the number of comments
    changed (0 when already unsubscribed, or when the comment is gone)."""
    comment = db.session.get(Comment, comment_id_from(token))
    if comment is None or not comment.email:
        return 0
    site_articles = sa.select(Article.id).where(
        Article.site_id == sa.select(Article.site_id).where(Article.id == comment.article_id).scalar_subquery())
    result = db.session.execute(
        sa.update(Comment)
        .where(Comment.email == comment.email, Comment.notify_replies.is_(True),
               Comment.article_id.in_(site_articles))
        .values(notify_replies=False)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount
