"""A site's moderation policy: every key in one form (administrators save it), and a dry run
that shows what the rules would decide for a pasted comment."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from service.auth import require_admin, require_site_access
from service.errors import Unprocessable
from service.moderation_queue.blueprint import actor, bp, form_error
from service.moderation_queue.forms import DryRunForm, PlainForm, policy_from_form
from service.services.moderation import policies
from service.services.administration.sites import get_site


def _site(slug: str):
    site = get_site(slug)
    require_site_access(actor(), site.id)
    return site


def _render(site, *, values=None, errors=None, dry_form=None, verdict=None, status=200):
    current = policies.get_policy(site)
    return render_template("moderate/policy.html", site=site, policy=values or current, errors=errors or {},
                           form=PlainForm(), dry_form=dry_form or DryRunForm(), verdict=verdict), status


@bp.get("/sites/<slug>/policy")
def policy_page(slug: str):
    return _render(_site(slug))


@bp.post("/sites/<slug>/policy")
def save_policy(slug: str):
    site = _site(slug)
    require_admin(actor())
    data, errors = policy_from_form(request.form, policies.get_policy(site))
    if not errors:
        try:
            policies.set_policy(site, data)
        except Unprocessable as exc:
            errors = (exc.errors or {}).get("json", {"_schema": [exc.description]})
    if errors:
        return _render(site, values={**policies.get_policy(site), **data}, errors=errors, status=422)
    flash("The policy is saved.", "ok")
    return redirect(url_for("moderation_queue.policy_page", slug=slug))


@bp.post("/sites/<slug>/policy/dry-run")
def dry_run(slug: str):
    site = _site(slug)
    form = DryRunForm()
    if not form.validate_on_submit():
        raise form_error(form)
    draft = {"author": form.author.data or "Reader", "email": form.email.data or None,
             "website": form.website.data or None, "body": form.body.data}
    return _render(site, dry_form=form, verdict=policies.dry_run(site, draft))
