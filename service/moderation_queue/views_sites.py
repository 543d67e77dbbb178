"""The web admin for sites (administrators only): the list links here, /sites/new creates one,
and /sites/<slug> edits everything the CLI does for a site: name, origins, moderation mode,
the widget (language, order, reply depth, theme), reader features, webhooks (add, test,
disable, the delivery log), its moderators and its API tokens. Every change goes through
services/administration/site_admin.py, which records who made it."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for

from service.embed.settings import THEME_KEYS, widget_settings
from service.errors import ServiceError
from service.moderation_queue import policy_labels
from service.moderation_queue.blueprint import admin, bp, done
from service.moderation_queue.forms import PlainForm
from service.moderation_queue.forms_sites import (ModeratorForm, SiteEditForm, SiteForm, SiteTokenForm, WebhookForm,
                                                  WidgetForm, lines, theme_from_form)
from service.services.administration import site_admin
from service.services.administration.sites import get_site
from service.services.delivery import webhooks
from service.services.moderation.policies import get_policy

FEATURE_GROUP = "Reader features"


def _field_errors(exc: ServiceError) -> dict[str, list[str]]:
    found = {name: list(msgs) for where in (exc.errors or {}).values() for name, msgs in where.items()}
    return found or {"_form": [exc.description]}


def _form_errors(form) -> dict[str, list[str]]:
    return {name: list(msgs) for name, msgs in form.errors.items()}


def _features(site) -> list[policy_labels.Field]:
    """The reader-facing policy keys this version has (votes, avatars...)."""
    return next((items for group, items in policy_labels.grouped(get_policy(site)) if group == FEATURE_GROUP), [])


@bp.route("/sites/new", methods=["GET", "POST"])
def new_site():
    who = admin()
    form = SiteForm()
    errors: dict = {}
    if form.validate_on_submit():
        try:
            site = site_admin.create_site(who, form.slug.data, form.name.data, lines(form.origins.data),
                                          form.mode.data)
        except ServiceError as exc:
            errors = _field_errors(exc)
        else:
            flash(f"Site {site.slug!r} is created. Paste the snippet below into your pages.", "ok")
            return redirect(url_for("moderation_queue.site_settings", slug=site.slug))
    elif form.is_submitted():
        errors = _form_errors(form)
    return render_template("moderate/site_new.html", form=form, errors=errors), 422 if errors else 200


def _settings(site, *, section: str | None = None, errors: dict | None = None, created: dict | None = None,
              status: int = 200, **forms):
    settings = widget_settings(site.settings)
    general = forms.get("general") or SiteEditForm(formdata=None, name=site.name,
                                                   origins="\n".join(site.origins or []),
                                                   mode=get_policy(site)["mode"])
    widget = forms.get("widget") or WidgetForm(formdata=None, language=settings["language"],
                                               order=settings["order"], reply_depth=settings["reply_depth"])
    return render_template(
        "moderate/site_settings.html", site=site, general=general, widget=widget, theme=settings["theme"],
        theme_keys=THEME_KEYS, features=_features(site), webhook_form=forms.get("webhook") or WebhookForm(formdata=None),
        moderator_form=forms.get("moderator") or ModeratorForm(formdata=None),
        token_form=forms.get("token") or SiteTokenForm(formdata=None), plain=PlainForm(),
        webhooks=webhooks.list_webhooks(site), deliveries=webhooks.deliveries(site, limit=20),
        moderators=site_admin.site_moderators(site), tokens=site_admin.site_tokens(site),
        events=site_admin.events(site), section=section, errors=errors or {}, created=created or {},
        service_url=(current_app.config.get("PUBLIC_URL") or request.host_url).rstrip("/"),
    ), status


def _site(slug: str):
    who = admin()
    return who, get_site(slug)


@bp.get("/sites/<slug>")
def site_settings(slug: str):
    return _settings(_site(slug)[1])


@bp.post("/sites/<slug>")
def save_site(slug: str):
    who, site = _site(slug)
    form = SiteEditForm()
    if not form.validate_on_submit():
        return _settings(site, section="general", errors=_form_errors(form), status=422, general=form)
    try:
        site_admin.update_site(who, site, form.name.data, lines(form.origins.data), form.mode.data)
    except ServiceError as exc:
        return _settings(get_site(slug), section="general", errors=_field_errors(exc), status=422, general=form)
    return done({"slug": slug}, "The site is saved.", url_for("moderation_queue.site_settings", slug=slug))


@bp.post("/sites/<slug>/widget")
def save_widget(slug: str):
    who, site = _site(slug)
    form = WidgetForm()
    if not form.validate_on_submit():
        return _settings(site, section="widget", errors=_form_errors(form), status=422, widget=form)
    features = {f.key: request.form.get(f.key, "") for f in _features(site) if f.key in request.form}
    changes = {"language": form.language.data, "order": form.order.data, "reply_depth": form.reply_depth.data,
               "theme": theme_from_form(request.form)}
    try:
        site_admin.configure_widget(who, site, changes, bool(form.reset_theme.data), features)
    except ServiceError as exc:
        return _settings(get_site(slug), section="widget", errors=_field_errors(exc), status=422, widget=form)
    return done({"slug": slug}, "The widget settings are saved.", url_for("moderation_queue.site_settings",
                                                                         slug=slug))


@bp.post("/sites/<slug>/webhooks")
def add_site_webhook(slug: str):
    who, site = _site(slug)
    form = WebhookForm()
    if not form.validate_on_submit():
        return _settings(site, section="webhooks", errors=_form_errors(form), status=422, webhook=form)
    try:
        hook = site_admin.add_webhook(who, site, form.url.data, form.events.data or [], form.secret.data)
    except ServiceError as exc:
        return _settings(get_site(slug), section="webhooks", errors=_field_errors(exc), status=422, webhook=form)
    # The secret is shown in this answer only when it was generated here.
    created = {"webhook": hook} if not form.secret.data else {}
    flash(f"Webhook {hook.id} is added.", "ok")
    return _settings(get_site(slug), created=created)


def _act(slug: str, section: str, change, message):
    """One button's action: done with a message, or the page again with the refusal in its section."""
    who, site = _site(slug)
    try:
        result = change(who, site)
    except ServiceError as exc:
        return _settings(get_site(slug), section=section, errors=_field_errors(exc), status=exc.code or 422)
    return done({"slug": slug}, message(result), url_for("moderation_queue.site_settings", slug=slug))


@bp.post("/sites/<slug>/webhooks/<int:webhook_id>/test")
def test_site_webhook(slug: str, webhook_id: int):
    return _act(slug, "webhooks", lambda who, site: site_admin.test_webhook(who, site, webhook_id),
                lambda message: f"A test call to webhook {webhook_id} is queued (delivery {message.id}); the worker "
                                "sends it and the delivery log shows the answer.")


@bp.post("/sites/<slug>/webhooks/<int:webhook_id>/active")
def toggle_site_webhook(slug: str, webhook_id: int):
    active = request.form.get("active") == "1"
    return _act(slug, "webhooks", lambda who, site: site_admin.set_webhook_active(who, site, webhook_id, active),
                lambda _: f"Webhook {webhook_id} is {'enabled' if active else 'disabled'}.")


@bp.post("/sites/<slug>/webhooks/<int:webhook_id>/delete")
def remove_site_webhook(slug: str, webhook_id: int):
    return _act(slug, "webhooks", lambda who, site: site_admin.remove_webhook(who, site, webhook_id),
                lambda _: f"Webhook {webhook_id} is removed.")


@bp.post("/sites/<slug>/moderators")
def add_site_moderator(slug: str):
    who, site = _site(slug)
    form = ModeratorForm()
    if not form.validate_on_submit():
        return _settings(site, section="moderators", errors=_form_errors(form), status=422, moderator=form)
    try:
        moderator, password = site_admin.add_moderator(who, site, form.email.data)
    except ServiceError as exc:
        return _settings(get_site(slug), section="moderators", errors=_field_errors(exc), status=422,
                         moderator=form)
    flash(f"{moderator.email} moderates {site.name}.", "ok")
    return _settings(get_site(slug), created={"moderator": (moderator, password)} if password else {})


@bp.post("/sites/<slug>/moderators/<int:moderator_id>/remove")
def remove_site_moderator(slug: str, moderator_id: int):
    return _act(slug, "moderators", lambda who, site: site_admin.remove_moderator(who, site, moderator_id),
                lambda moderator: f"{moderator.email} no longer moderates this site.")


@bp.post("/sites/<slug>/tokens")
def add_site_token(slug: str):
    who, site = _site(slug)
    form = SiteTokenForm()
    if not form.validate_on_submit():
        return _settings(site, section="tokens", errors=_form_errors(form), status=422, token=form)
    try:
        token, plaintext = site_admin.create_token(who, site, form.name.data)
    except ServiceError as exc:
        return _settings(get_site(slug), section="tokens", errors=_field_errors(exc), status=422, token=form)
    # Shown in this answer only: the token is stored as a hash.
    return _settings(get_site(slug), created={"token": (token, plaintext)})


@bp.post("/sites/<slug>/tokens/<int:token_id>/revoke")
def revoke_site_token(slug: str, token_id: int):
    return _act(slug, "tokens", lambda who, site: site_admin.revoke_token(who, site, token_id),
                lambda token: f"Token {token.name!r} is revoked.")
