"""A site's moderation policy: every key in one form, labelled and grouped (administrators save
it), a backtest of the form's values over the last 1,000 comments before saving, and a dry run
that shows what the rules would decide for a pasted comment."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from service.auth import require_admin, require_site_access
from service.errors import Unprocessable
from service.moderation_queue import policy_labels
from service.moderation_queue.blueprint import actor, bp, form_error
from service.moderation_queue.forms import DryRunForm, PlainForm, policy_from_form
from service.services.moderation import policies
from service.services.moderation.backtest import backtest_proposal
from service.services.administration import site_admin
from service.services.administration.sites import get_site

BACKTEST_LAST = 1000


def _site(slug: str):
    site = get_site(slug)
    require_site_access(actor(), site.id)
    return site


def _render(site, *, values=None, errors=None, dry_form=None, verdict=None, report=None, status=200):
    current = policies.get_policy(site)
    return render_template("moderate/policy.html", site=site, groups=policy_labels.grouped(values or current),
                           shown=policy_labels.shown, errors=errors or {}, form=PlainForm(),
                           dry_form=dry_form or DryRunForm(), verdict=verdict, report=report,
                           backtest_last=BACKTEST_LAST, unsaved=values is not None), status


@bp.get("/sites/<slug>/policy")
def policy_page(slug: str):
    return _render(_site(slug))


@bp.post("/sites/<slug>/policy")
def save_policy(slug: str):
    site = _site(slug)
    who = actor()
    require_admin(who)
    data, errors = policy_from_form(request.form, policies.get_policy(site))
    if not errors:
        try:
            site_admin.save_policy(who, site, data)
        except Unprocessable as exc:
            errors = (exc.errors or {}).get("json", {"_schema": [exc.description]})
    if errors:
        return _render(site, values={**policies.get_policy(site), **data}, errors=errors, status=422)
    flash("The policy is saved.", "ok")
    return redirect(url_for("moderation_queue.policy_page", slug=slug))


@bp.post("/sites/<slug>/policy/backtest")
def backtest_policy(slug: str):
    """The form's values run over the last comments; nothing is saved, the form keeps them."""
    site = _site(slug)
    data, errors = policy_from_form(request.form, policies.get_policy(site))
    report = None
    if not errors:
        try:
            report = backtest_proposal(site, data, BACKTEST_LAST)
        except Unprocessable as exc:
            errors = (exc.errors or {}).get("json", {"_schema": [exc.description]})
    return _render(site, values={**policies.get_policy(site), **data}, errors=errors, report=report,
                   status=422 if errors else 200)


@bp.post("/sites/<slug>/policy/dry-run")
def dry_run(slug: str):
    """The pasted comment judged by the form's values (an administrator's page sends them, saved
    or not, and gets them back); a moderator's page sends none, and the saved policy judges."""
    site = _site(slug)
    form = DryRunForm()
    saved = policies.get_policy(site)
    proposed = actor().is_admin and "mode" in request.form
    data, errors = policy_from_form(request.form, saved) if proposed else ({}, {})
    if not form.validate_on_submit():
        problem = ("Paste a comment in the dry-run box to try it." if "body" in form.errors
                   else form_error(form).description)
        errors = {**errors, "_schema": [problem]}
    verdict = None
    if not errors:
        draft = {"author": form.author.data or "Reader", "email": form.email.data or None,
                 "website": form.website.data or None, "body": form.body.data}
        try:
            verdict = policies.dry_run(site, draft, policies.validate_policy(data) if proposed else None)
        except Unprocessable as exc:
            errors = (exc.errors or {}).get("json", {"_schema": [exc.description]})
    values = {**saved, **data}
    return _render(site, values=values if values != saved else None, errors=errors, dry_form=form, verdict=verdict,
                   status=422 if errors else 200)
