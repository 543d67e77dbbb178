"""The forms of the web admin for sites (Flask-WTF: each carries and checks the CSRF token)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from service.embed.i18n import languages
from service.embed.settings import MAX_REPLY_DEPTH, ORDERS, THEME_KEYS
from service.moderation_queue.forms import MultiCheckboxField, multi_line, one_line
from service.services.administration.sites import MODES
from service.services.delivery.events import EVENTS

MODE_CHOICES = [SelectChoice("post", "post: published unless a rule objects"),
                SelectChoice("pre", "pre: every comment is reviewed first"),
                SelectChoice("first-time", "first-time: held until the author has an approved comment")]
assert {c.value for c in MODE_CHOICES} == set(MODES)


def lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class SiteForm(FlaskForm):
    slug = StringField("Slug (its id in the snippet; cannot change later)", filters=[one_line],
                       validators=[DataRequired(), Length(max=64)])
    name = StringField("Name", filters=[one_line], validators=[DataRequired(), Length(max=200)])
    origins = TextAreaField("Origins whose pages embed it (one per line, e.g. https://blog.example.com)",
                            filters=[multi_line], validators=[Optional(), Length(max=10_000)])
    mode = SelectField("Moderation", choices=MODE_CHOICES, default="post")


class SiteEditForm(SiteForm):
    slug = None  # a slug never changes: pages and snippets name the site by it


class WidgetForm(FlaskForm):
    language = SelectField("Language", choices=[])
    order = SelectField("Order", choices=[SelectChoice(o, o) for o in ORDERS])
    reply_depth = IntegerField("Reply depth", validators=[DataRequired(), NumberRange(1, MAX_REPLY_DEPTH)])
    reset_theme = BooleanField("Clear the theme first (then set only the values below)")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.language.choices = [SelectChoice(code, code) for code in languages()]


def theme_from_form(form) -> dict[str, str]:
    """The theme boxes that were filled in (`theme-accent`, `theme-dark-bg`...)."""
    return {key: form.get(f"theme-{key}", "").strip() for key in THEME_KEYS if form.get(f"theme-{key}", "").strip()}


class WebhookForm(FlaskForm):
    url = StringField("URL", filters=[one_line], validators=[DataRequired(), Length(max=2048)])
    events = MultiCheckboxField("Events (none ticked: all)", choices=[SelectChoice(e, e) for e in EVENTS])
    secret = StringField("Signing secret (empty: one is generated and shown once)", filters=[one_line],
                         validators=[Optional(), Length(max=128)])


class ModeratorForm(FlaskForm):
    email = EmailField("Email", filters=[one_line], validators=[DataRequired(), Length(max=254)])


class SiteTokenForm(FlaskForm):
    name = StringField("Name", filters=[one_line], validators=[DataRequired(), Length(max=100)])
