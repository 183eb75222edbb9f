"""The report form: fields, their checks (in the visitor's language) and the guards a
robot trips (a honeypot field, a signed start time that says how fast it was filled)."""
from __future__ import annotations

import re
import secrets
import time
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

MAX_TEXT = 2000
MAX_LINK = 2048
MAX_CONTACT = 200
FORM_MAX_AGE = 12 * 3600  # seconds a shown form stays good to send
# Control characters other than tab and line breaks, and the invisible ones that
# reorder or hide text (bidirectional overrides, zero-width marks).
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e"
                     "\u2066-\u2069\ufeff]")

PLACES = (
    ("wechat", _l("WeChat")),
    ("weibo", _l("Weibo")),
    ("douyin", _l("Douyin or another video app")),
    ("qq", _l("QQ")),
    ("sms", _l("Text message (SMS)")),
    ("phone-call", _l("Phone call")),
    ("website", _l("A website")),
    ("tv-radio", _l("TV or radio")),
    ("in-person", _l("Heard in person")),
    ("notice", _l("A printed notice or poster")),
    ("other", _l("Somewhere else")),
)
SEEN = (
    ("today", _l("Today")),
    ("yesterday", _l("Yesterday")),
    ("this-week", _l("In the last seven days")),
    ("earlier", _l("Earlier")),
    ("not-sure", _l("Not sure")),
)


def _choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, str(label)) for value, label in pairs]


def _clean(value: str | None) -> str:
    return (value or "").replace("\r\n", "\n").replace("\r", "\n").strip()


def no_control(form, field) -> None:
    if field.data and CONTROL.search(field.data):
        raise ValidationError(_l("Please remove the invisible control characters from this "
                                 "text (they may come from copying and pasting)."))


def text_checks(form, field) -> None:
    if not field.data:
        raise ValidationError(_l("Please write what was said or shared."))
    if len(field.data) > MAX_TEXT:
        raise ValidationError(_l("Please shorten this to %(max)s characters or fewer (it has "
                                 "%(count)s).", max=MAX_TEXT, count=len(field.data)))


def link_checks(form, field) -> None:
    if not field.data:
        return
    if len(field.data) > MAX_LINK or any(c.isspace() for c in field.data):
        raise ValidationError(_l("Please give one web address, without spaces."))
    try:
        parts = urlsplit(field.data)
        usable = parts.scheme.lower() in ("http", "https") and parts.hostname
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError:
        usable = False
    if not usable:
        raise ValidationError(_l("Please give a web address that starts with http:// or "
                                 "https://, or leave this empty."))


def contact_checks(form, field) -> None:
    if field.data and len(field.data) > MAX_CONTACT:
        raise ValidationError(_l("Please shorten this to %(max)s characters or fewer.",
                                 max=MAX_CONTACT))


def consent_checks(form, field) -> None:
    if form.contact.data and not field.data:
        raise ValidationError(_l("To reply, we need your agreement: tick this box, or leave "
                                 "the contact field empty."))


class ReportForm(FlaskForm):
    text = TextAreaField(_l("What was said or shared?"), filters=[_clean],
                         validators=[no_control, text_checks],
                         description=_l("Copy the message or describe it in your own words. "
                                        "Up to 2,000 characters."))
    place = SelectField(_l("Where did you see or hear it?"), choices=lambda: _choices(PLACES),
                        validate_choice=False)
    link = StringField(_l("Link to it (optional)"), filters=[_clean],
                       validators=[no_control, link_checks],
                       description=_l("A web address starting with http:// or https://."))
    seen = SelectField(_l("When did you see or hear it?"), choices=lambda: _choices(SEEN),
                       default="not-sure",
                       validate_choice=False)
    contact = StringField(_l("Phone or email for a reply (optional)"), filters=[_clean],
                          validators=[no_control, contact_checks])
    consent = BooleanField(_l("I agree that the emergency office may use this phone number or "
                              "email to reply to this report, and deletes it 30 days after "
                              "answering."), validators=[consent_checks])
    # A robot fills every field; people never see this one (hidden by the stylesheet).
    nickname = StringField(_l("Leave this empty"))
    started = HiddenField()

    def validate_place(self, field) -> None:
        if field.data not in dict(PLACES):
            raise ValidationError(_l("Please choose where you saw or heard it."))

    def validate_seen(self, field) -> None:
        if field.data not in dict(SEEN):
            raise ValidationError(_l("Please choose when you saw or heard it."))

    @property
    def is_robot(self) -> bool:
        return bool(self.nickname.data)


def _serializer(secret: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt="portal.report-form")


def start_token(secret: str) -> str:
    """Signed: when the form was shown and a nonce (a form can be sent only once)."""
    return _serializer(secret).dumps(secrets.token_urlsafe(18))


class FormTiming(Exception):
    """The form was sent too soon after it was shown, or is too old or forged."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def read_token(secret: str, token: str | None, min_seconds: float) -> str:
    """The nonce of a start token, or FormTiming."""
    try:
        nonce, signed_at = _serializer(secret).loads(token or "", max_age=FORM_MAX_AGE,
                                                     return_timestamp=True)
    except SignatureExpired:
        raise FormTiming("expired") from None
    except BadSignature:
        raise FormTiming("invalid") from None
    if not isinstance(nonce, str) or len(nonce) > 64:
        raise FormTiming("invalid")
    if time.time() - signed_at.timestamp() < min_seconds:
        raise FormTiming("too-fast")
    return nonce
