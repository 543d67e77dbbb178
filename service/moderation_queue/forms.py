"""The moderator UI's forms (Flask-WTF: each carries and checks the CSRF token)."""

from __future__ import annotations

from datetime import timedelta

from flask_wtf import FlaskForm
from wtforms import (BooleanField, EmailField, HiddenField, IntegerField, PasswordField, SelectField,
                     SelectMultipleField, StringField, TextAreaField)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from service.models import MAX_ID, id_from_text, utcnow
from service.moderation.sanitize import clean_text
from service.moderation.transitions import STATUSES


def one_line(value):
    """Control characters (NUL among them, which PostgreSQL text refuses) never reach a query."""
    return clean_text(value) if isinstance(value, str) else value


def multi_line(value):
    return clean_text(value, multiline=True) if isinstance(value, str) else value


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class LoginForm(FlaskForm):
    email = EmailField("Email", filters=[one_line], validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=1024)])
    remember = BooleanField("Keep me logged in on this device", default=False)
    next = HiddenField()


class PlainForm(FlaskForm):
    """A form with nothing but its CSRF token (logout, revoke, delete)."""


class StatusForm(FlaskForm):
    status = SelectField("Status", choices=list(STATUSES), validators=[InputRequired()])
    revision = IntegerField(validators=[Optional(), NumberRange(min=1, max=MAX_ID)])
    note = StringField("Note", filters=[one_line], validators=[Optional(), Length(max=1000)])
    next = HiddenField()


class BulkForm(FlaskForm):
    """The queue's checkboxes post one `ids` value each (or a comma-separated list)."""

    ids = SelectMultipleField(choices=[], validate_choice=False)
    status = SelectField("Status", choices=list(STATUSES), validators=[InputRequired()])
    next = HiddenField()

    def id_list(self) -> list[int]:
        parts = [p.strip() for value in (self.ids.data or []) for p in str(value).replace(" ", ",").split(",")]
        return [i for i in map(id_from_text, parts) if i is not None][:1000]


class EditForm(FlaskForm):
    body = TextAreaField("Text", filters=[multi_line], validators=[DataRequired(), Length(max=10_000)])
    note = StringField("Why (kept in the history)", filters=[one_line], validators=[Optional(), Length(max=1000)])
    revision = IntegerField(validators=[Optional(), NumberRange(min=1, max=MAX_ID)])


EXPIRY_CHOICES = [SelectChoice("", "Never"), SelectChoice("1", "1 day"), SelectChoice("7", "7 days"),
                  SelectChoice("30", "30 days"), SelectChoice("365", "1 year")]


class BlockForm(FlaskForm):
    kinds = MultiCheckboxField("Block by", choices=[SelectChoice("email", "Email"), SelectChoice("ip", "Address"),
                                                SelectChoice("name", "Name")],
                               default=["email", "ip"])
    expires = SelectField("Expires", choices=EXPIRY_CHOICES, default="")
    note = StringField("Note", filters=[one_line], validators=[Optional(), Length(max=500)])
    next = HiddenField()

    def expires_at(self):
        return utcnow() + timedelta(days=int(self.expires.data)) if self.expires.data else None


class TrustDomainForm(FlaskForm):
    domain = StringField("Domain", filters=[one_line], validators=[DataRequired(), Length(max=253)])
    next = HiddenField()


class CloseForm(FlaskForm):
    closed = SelectField(choices=[SelectChoice("1", "close"), SelectChoice("0", "reopen")], validators=[InputRequired()])


class TokenForm(FlaskForm):
    name = StringField("Name", filters=[one_line], validators=[DataRequired(), Length(max=100)])
    is_admin = BooleanField("Administrator (every site)")
    sites = MultiCheckboxField("Sites", choices=[])


class DryRunForm(FlaskForm):
    author = StringField("Name", default="Reader", filters=[one_line], validators=[Length(max=200)])
    email = StringField("Email", filters=[one_line], validators=[Optional(), Length(max=254)])
    website = StringField("Website", filters=[one_line], validators=[Optional(), Length(max=2048)])
    body = TextAreaField("Comment", filters=[multi_line], validators=[DataRequired(), Length(max=10_000)])


def policy_from_form(form, current: dict) -> tuple[dict, dict]:
    """Turn the policy page's fields into typed policy data, shaped like `current`.

    Returns (data, errors): lists are one entry per line, numbers parsed, checkboxes present
    or not, fields not sent unchanged; a field that cannot be parsed gets an error message.
    """
    data: dict = {}
    errors: dict = {}
    for key, value in current.items():
        raw = form.get(key)
        raw = clean_text(raw, multiline=isinstance(value, list)) if raw is not None else None
        if isinstance(value, bool):
            data[key] = raw == "on"  # an unticked checkbox is simply absent
            continue
        if raw is None:  # a field the page did not send keeps its value
            data[key] = value
        elif isinstance(value, list):
            data[key] = [line.strip() for line in raw.splitlines() if line.strip()]
        elif isinstance(value, str):
            data[key] = raw.strip()
        elif not raw.strip():
            if value is None or key in ("close_after_days", "spam_threshold"):  # settings that may be unset
                data[key] = None
            else:
                errors[key] = ["Enter a number."]
        else:
            try:
                # An unset value (null) takes whichever number is typed: a day count or a share.
                data[key] = float(raw) if isinstance(value, float) or (value is None and "." in raw) else int(raw)
            except ValueError:
                errors[key] = ["Enter a number."]
    return data, errors


class PinForm(FlaskForm):
    pinned = SelectField(choices=[SelectChoice("1", "Pin"), SelectChoice("0", "Unpin")], validators=[InputRequired()])
    next = HiddenField()
