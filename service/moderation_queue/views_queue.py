"""The queue: tabs and filters, one comment's page, and the actions on comments (status, bulk,
edit, block the author)."""

from __future__ import annotations

import secrets

from flask import get_template_attribute, render_template, request, url_for
from markupsafe import Markup

from service.errors import Unprocessable
from service.extensions import db
from service.models import MAX_ID, Site
from service.moderation_queue.blueprint import actor, admin, bp, done, form_error
from service.moderation_queue.forms import BlockForm, BulkForm, EditForm, StatusForm, TrustDomainForm
from service.services.comments import read_cache
from service.services.administration import site_admin
from service.services.moderation import blocks, history, moderation_actions, policies, queue

ACTION_LABELS = {"approved": "Approved", "rejected": "Rejected", "spam": "Marked as spam",
                 "deleted": "Deleted", "pending": "Back in review"}


@bp.get("/", endpoint="queue")
def queue_page():
    """The listing is rendered once per page and queue state (see `cached_listing`); each
    request joins its pieces with its own CSRF field (queue.html) and adds the page around it."""
    who = actor()
    tab = queue.normal_tab(request.args.get("tab"))
    sites = queue.visible_sites(who)

    def render() -> str:
        filters = queue.QueueFilters.from_args(request.args)
        page = queue.list_queue(who, tab, filters, sites, request.args.get("after"))
        return render_template("moderate/_queue_listing.html", page=page, filters=filters, tabs=queue.TABS,
                               urls=_item_urls(), csrf_field=CSRF_HOLE, reason_codes=queue.REASON_CODES)

    key = (who.kind, who.id, request.full_path, queue.sites_state(sites))
    return render_template("moderate/queue.html", tab=tab, listing=with_csrf_fields(cached_listing(key, render)))


# Where the rendered listing takes the request's CSRF field: a marker no comment can contain.
CSRF_HOLE = Markup(f"<!--csrf-field-{secrets.token_hex(8)}-->")


def cached_listing(key: tuple, render) -> tuple[Markup, ...]:
    """A rendered listing, split around its CSRF fields, reused while the queue is unchanged.

    Every change a listing shows (a new comment, a status change, an edit, a reader's report)
    writes a moderation event or a report, so the newest id of each, read on every request,
    is the version of the cached rendering: a moderator sees their own action, or another
    process's, on the next load. What changes without either (an erasure of already deleted
    comments, an import, a purge) shows within CACHE_TTL_SECONDS.
    """
    return read_cache.remember_page(("queue-listing", *key), queue.state_version(),
                                    lambda: tuple(map(Markup, render().split(CSRF_HOLE))))


def with_csrf_fields(pieces: tuple[Markup, ...]) -> Markup:
    """The listing whole again, this session's CSRF field in each hole. The pieces are markup
    already, so a plain join does what Markup.join would without escaping each of them."""
    field = get_template_attribute("moderate/_macros.html", "csrf")()
    return Markup(str(field).join(pieces))


def _item_urls() -> dict[str, str]:
    """Each item's links, as format strings built once a page: the items differ only in their
    id, and building 250 links through the URL map would cost more than the rest of the page."""
    def pattern(endpoint: str, **ids) -> str:
        return url_for(endpoint, **{name: MAX_ID for name in ids}).replace(str(MAX_ID), "{}")
    return {"status": pattern("moderation_queue.set_status", comment_id=1),
            "page": pattern("moderation_queue.comment_page", comment_id=1),
            "block": pattern("moderation_queue.block_author", comment_id=1),
            "pin": pattern("moderation_queue.set_pinned", comment_id=1),
            "article": pattern("moderation_queue.article_page", article_id=1)}


@bp.get("/comments/<int:comment_id>")
def comment_page(comment_id: int):
    item = queue.queue_item(actor(), comment_id)
    comment = item.comment
    trustable = policies.trust_candidates(item.site, comment) if actor().is_admin else []
    return render_template("moderate/comment.html", item=item, events=history.events_for_comment(comment_id),
                           status_form=StatusForm(), edit_form=EditForm(body=item.comment.body),
                           block_form=BlockForm(), trustable=trustable,
                           spam_now=policies.spam_explanation(item.site, comment))


def _messages(errors) -> str:
    """The words of a validation error, however deep marshmallow nests them."""
    if isinstance(errors, dict):
        return " ".join(_messages(value) for value in errors.values())
    if isinstance(errors, (list, tuple)):
        return " ".join(_messages(value) for value in errors)
    return str(errors)


@bp.post("/comments/<int:comment_id>/trust-domain")
def trust_domain(comment_id: int):
    """An administrator trusts a domain the comment links to: from then on, links there are no
    spam signal on the comment's site (`trusted_domains`). The comment itself is not moved."""
    who = admin()
    form = TrustDomainForm()
    if not form.validate_on_submit():
        raise form_error(form)
    site = db.session.get(Site, moderation_actions.comment_for(who, comment_id)[1])
    domain = form.domain.data.strip()
    try:
        site_admin.trust_link_domain(who, site, domain)
    except Unprocessable as exc:  # not a domain, or a blocked one: say which, keep the page
        raise Unprocessable(f"{domain} was not trusted: {_messages(exc.errors)}") from None
    return done({"id": comment_id, "trusted_domains": policies.get_policy(site)["trusted_domains"]},
                f"Links to {domain} are trusted on {site.name} from now on.",
                url_for("moderation_queue.comment_page", comment_id=comment_id))


@bp.post("/comments/<int:comment_id>/status")
def set_status(comment_id: int):
    form = StatusForm()
    if not form.validate_on_submit():
        raise form_error(form)
    before = moderation_actions.comment_for(actor(), comment_id)[0]
    previous, keep = before.status.value, moderation_actions.is_keep(before, form.status.data)
    comment = moderation_actions.moderate_comment(actor(), comment_id, form.status.data, note=form.note.data or None,
                                                  expected_revision=form.revision.data)
    return done({"id": comment.id, "status": comment.status.value, "previous": previous,
                 "revision": comment.revision},
                f"Kept: comment {comment.id}; its reports are dismissed." if keep
                else f"{ACTION_LABELS[comment.status.value]}: comment {comment.id}.")


@bp.post("/comments/bulk")
def bulk_status():
    form = BulkForm()
    if not form.validate_on_submit():
        raise form_error(form)
    ids = form.id_list()
    if not ids:
        raise Unprocessable("Select at least one comment first.")
    result = moderation_actions.bulk_moderate(actor(), ids, form.status.data)
    moved = len(result["updated"]) - len(result["kept"])
    message = f"{ACTION_LABELS[form.status.data]}: {_comments(moved)}."
    if result["kept"]:
        message = (f"Kept: {_comments(len(result['kept']))}, their reports dismissed." if not moved
                   else f"{message[:-1]}; kept {_comments(len(result['kept']))}, their reports dismissed.")
    if result["conflicts"] or result["not_found"]:
        left = len(result["conflicts"]) + len(result["not_found"])
        message += f" {left} left as {'it was' if left == 1 else 'they were'}."
    return done({"status": form.status.data, **result}, message)


def _comments(n: int) -> str:
    return f"{n} comment" if n == 1 else f"{n} comments"


@bp.post("/comments/<int:comment_id>/edit")
def edit_text(comment_id: int):
    form = EditForm()
    if not form.validate_on_submit():
        raise form_error(form)
    comment = moderation_actions.edit_comment_text(actor(), comment_id, form.body.data, note=form.note.data or None,
                                                   expected_revision=form.revision.data)
    return done({"id": comment.id, "body_html": comment.body_html, "revision": comment.revision},
                "The text is saved; the change is in the comment's history.",
                url_for("moderation_queue.comment_page", comment_id=comment_id))


@bp.post("/comments/<int:comment_id>/block")
def block_author(comment_id: int):
    form = BlockForm()
    if not form.validate_on_submit():
        raise form_error(form)
    made = blocks.block_author_of_comment(actor(), comment_id, form.kinds.data or [], form.expires_at(),
                                          note=form.note.data or None)
    kinds = ", ".join(b.kind for b in made) or "nothing (the comment has none of those)"
    return done({"id": comment_id, "blocks": [{"id": b.id, "kind": b.kind} for b in made]},
                f"Blocked by {kinds}.")
