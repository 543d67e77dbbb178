"""One article: all its comments in thread order with their statuses; close or reopen it."""

from __future__ import annotations

from flask import render_template, url_for

from service.moderation_queue.blueprint import actor, bp, done, form_error
from service.moderation_queue.forms import CloseForm, StatusForm
from service.services.administration import article_admin
from service.services.moderation import moderation_actions


@bp.get("/articles/<int:article_id>")
def article_page(article_id: int):
    article, site, entries, cut = article_admin.article_thread(actor(), article_id)
    return render_template("moderate/article.html", article=article, site=site, entries=entries, cut=cut,
                           close_form=CloseForm(), status_form=StatusForm())


@bp.post("/articles/<int:article_id>/closed")
def close_article(article_id: int):
    form = CloseForm()
    if not form.validate_on_submit():
        raise form_error(form)
    article = moderation_actions.set_article_closed(actor(), article_id, form.closed.data == "1")
    return done({"id": article.id, "closed": article.closed},
                "Closed to new comments." if article.closed else "Open to new comments again.",
                url_for("moderation_queue.article_page", article_id=article_id))
