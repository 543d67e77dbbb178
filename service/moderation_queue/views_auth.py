"""Logging in and out of the moderator UI."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for

from service.auth import current_actor, login_moderator, logout_moderator
from service.extensions import limiter
from service.moderation_queue.blueprint import bp, safe_next
from service.moderation_queue.forms import LoginForm, PlainForm
from service.services.administration.moderators import authenticate

# One message whatever was wrong, so the form does not tell which emails have accounts.
LOGIN_FAILED = "That email and password do not match an active account."


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def login():
    if current_actor() is not None:
        return redirect(safe_next())
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        moderator = authenticate(form.email.data, form.password.data)
        if moderator is not None:
            login_moderator(moderator, remember=bool(form.remember.data))
            return redirect(safe_next())
        flash(LOGIN_FAILED, "error")
        status = 401
    elif form.is_submitted():
        flash(LOGIN_FAILED, "error")
        status = 401
    form.password.data = ""
    return render_template("moderate/login.html", form=form, next=safe_next("")), status


@bp.post("/logout")
def logout():
    form = PlainForm()
    if form.validate_on_submit():
        logout_moderator()
    return redirect(url_for("moderation_queue.login"))
