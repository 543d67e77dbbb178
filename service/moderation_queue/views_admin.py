"""The event log (every moderator, for their sites), and for administrators the API tokens
and the list of moderators."""

from __future__ import annotations

from flask import render_template, request, url_for

from wtforms.fields.choices import SelectChoice

from service.errors import Unprocessable
from service.models import id_from_text
from service.moderation_queue.blueprint import actor, admin, bp, done
from service.moderation_queue.forms import PlainForm, TokenForm
from service.services.administration import moderators, tokens
from service.services.moderation import history, queue

LOG_PAGE = 50


def _int_arg(name: str) -> int | None:
    return id_from_text(request.args.get(name, ""))


@bp.get("/log")
def log_page():
    who = actor()
    sites = queue.visible_sites(who)
    site_id = _int_arg("site")
    events = history.event_log(who, site_id=site_id, moderator_id=_int_arg("moderator"),
                               before_id=_int_arg("before"), limit=LOG_PAGE)
    return render_template("moderate/log.html", events=events, sites=sites, site_id=site_id,
                           moderator_id=_int_arg("moderator"),
                           moderators=moderators.list_moderators() if who.is_admin else [],
                           next_before=events[-1].event.id if len(events) == LOG_PAGE else None)


def _token_form():
    form = TokenForm()
    form.sites.choices = [SelectChoice(s.slug, s.name) for s in queue.visible_sites(admin())]
    return form


@bp.route("/tokens", methods=["GET", "POST"])
def tokens_page():
    form = _token_form()
    created = None
    status = 200
    if form.validate_on_submit():
        try:
            created = tokens.create_token(form.name.data, bool(form.is_admin.data), form.sites.data or [])
        except Unprocessable as exc:
            form.name.errors = [*form.name.errors, exc.description]
            status = 422
    elif form.is_submitted():
        status = 422
    # A new token is shown in this response only; it is never stored in plain text.
    return render_template("moderate/tokens.html", form=form, created=created, tokens=tokens.list_tokens(),
                           revoke_form=PlainForm()), status


@bp.post("/tokens/<int:token_id>/revoke")
def revoke_token(token_id: int):
    admin()
    token = tokens.revoke_token(token_id)
    return done({"id": token.id, "revoked": True}, f"Token {token.name!r} is revoked.",
                url_for("moderation_queue.tokens_page"))


@bp.get("/moderators")
def moderators_page():
    admin()
    return render_template("moderate/moderators.html", moderators=moderators.list_moderators())
