"""/desk/: the officials' desk. Not under a language prefix; never stored by any cache.

Every request opens the desk session from its own cookie (``portal_desk``: Secure,
HttpOnly, SameSite=Strict, path /desk/); every POST must carry a CSRF token made for
that session and not used before; every action is checked on the server (access.may).
"""
from __future__ import annotations

import datetime as dt
import json
import logging

from flask import (Blueprint, abort, current_app, g, make_response, redirect, render_template,
                   request, url_for)
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from ..content.fields import SLUG
from ..content.frontmatter import parse
from ..content.kind import changed_on
from ..db import get_db
from ..reports import service as reports_service
from ..reports.codes import grouped
from ..reports.secret import secret_key
from . import audit, auth, compose, workflow
from .access import EMERGENCY_TYPES, department, may, owner_field
from .models import Draft, User
from .publish import PathRefused, read_current

log = logging.getLogger(__name__)
bp = Blueprint("desk", __name__, url_prefix="/desk", template_folder="templates")
NO_STORE = "no-store"
MAX_BODY = 512 * 1024


def store():
    return current_app.extensions["portal.store"]


def kinds():
    return current_app.extensions["portal.kinds"]


def now() -> dt.datetime:
    if "now" not in g:
        g.now = store().now()
    return g.now


def local_now() -> dt.datetime:
    """Now in the district's time zone, to the second: the default of new dates."""
    from zoneinfo import ZoneInfo
    zone = library().site.timezone
    return now().astimezone(ZoneInfo(zone) if zone else None).replace(microsecond=0)


def library():
    if "library" not in g:
        g.library = store().library
    return g.library


def place() -> workflow.Place:
    return workflow.Place(current_app.config["CONTENT_DIR"], kinds(), store().languages())


def owner_default() -> str:
    return current_app.config["DESK_OWNER"]


def idle() -> dt.timedelta:
    return dt.timedelta(minutes=current_app.config["DESK_IDLE_MINUTES"])


def user() -> User | None:
    return g.get("desk_user")


# Sessions, language, CSRF on every request -----------------------------------------

@bp.before_request
def open_desk_session():
    request.max_content_length = MAX_BODY
    secret_key()
    g.desk_cookie = None
    g.desk_user = None
    token = request.cookies.get(auth.COOKIE)
    try:
        with get_db().session() as session:
            row, expired = auth.load_session(session, token, now(), idle())
            if row is None:
                # Never adopt a cookie we did not make: a new session, a new value.
                g.desk_cookie, row = auth.new_session(session, now(), lang=_best_lang())
            g.desk_row = row
            if row.user_id is not None:
                found = session.get(User, row.user_id)
                g.desk_user = found if found is not None and found.active else None
            if request.method == "POST":
                try:
                    auth.check_csrf(session, secret_key(), row, request.form.get("csrf_token"),
                                    now())
                except auth.CSRFError as error:
                    g.csrf_problem = error.reason
    except SQLAlchemyError as exc:
        log.error("desk unavailable, the database failed: %s: %s", type(exc).__name__, exc)
        g.lang = _best_lang()
        return _page("desk/unavailable.html", 503)
    g.lang = row.lang if row.lang in store().languages() else _best_lang()
    if expired:
        return redirect(url_for("desk.sign_in", expired=1))
    if g.get("csrf_problem"):
        return _page("desk/csrf.html", 400, reason=g.csrf_problem)
    return None


def _best_lang() -> str:
    return request.accept_languages.best_match(store().languages()) \
        or current_app.config["DEFAULT_LANG"]


@bp.after_request
def never_stored(response):
    response.headers["Cache-Control"] = NO_STORE
    response.headers["Pragma"] = "no-cache"
    response.headers.setdefault("X-Robots-Tag", "noindex, nofollow")
    if g.get("desk_cookie"):
        response.set_cookie(auth.COOKIE, g.desk_cookie, path="/desk/", httponly=True,
                            secure=current_app.config["DESK_SECURE_COOKIE"], samesite="Strict",
                            max_age=int(auth.SESSION_MAX_AGE.total_seconds()))
    return response


def _page(template: str, status: int = 200, **context):
    row = g.get("desk_row")
    context.setdefault("csrf", (lambda: auth.csrf_token(secret_key(), row)) if row else
                       (lambda: ""))
    response = make_response(render_template(template, desk_user=user(), **context), status)
    return response


def signed_in(action: str = "view"):
    """The signed-in user, or a redirect/403 response to return."""
    found = user()
    if found is None:
        return None, redirect(url_for("desk.sign_in", next=request.path))
    if (found.totp_required or current_app.config["DESK_REQUIRE_TOTP"]) and not found.totp_secret \
            and request.endpoint not in ("desk.two_step_setup", "desk.sign_out"):
        return None, redirect(url_for("desk.two_step_setup"))
    if action != "view" and not may(found, action, found.issuer):
        return None, refused(_("Your role cannot do this."))
    return found, None


def refused(message: str, status: int = 403):
    return _page("desk/refused.html", status, message=message)


@bp.errorhandler(workflow.Refused)
def refusal(error: workflow.Refused):
    """A check deep in a view (or in workflow) said no: the refusal page."""
    return refused(str(error), error.status)


def _db():
    return get_db().session()


# Sign in and out ---------------------------------------------------------------------

@bp.route("/signin", methods=["GET", "POST"])
def sign_in():
    problem, until, email = None, None, ""
    if request.args.get("expired"):
        problem = "expired"
    if request.method == "POST":
        email = request.form.get("email", "")[:254]
        password = request.form.get("password", "")[:1000]
        config = current_app.config
        with _db() as session:
            found, error = auth.sign_in(session, email, password, now(),
                                        address=request.remote_addr or "",
                                        attempts=config["DESK_LOCKOUT_ATTEMPTS"],
                                        lock_minutes=config["DESK_LOCKOUT_MINUTES"],
                                        per_address=config["DESK_SIGNINS_PER_ADDRESS"])
            if error is not None:
                problem, until = error.reason, error.until
                audit.record(session, now(), email.strip().lower()[:254] or "-",
                             "sign-in-refused", detail=error.reason)
            else:
                second = auth.needs_second_factor(found, config["DESK_REQUIRE_TOTP"])
                auth.purge_sessions(session, now(), idle())  # sessions long idle, anyone's
                # Rotate: the session before sign-in is ended, a new one begins.
                auth.end_session(session, g.desk_row)
                if second and found.totp_secret:
                    g.desk_cookie, g.desk_row = auth.new_session(session, now(), pending=found,
                                                                 lang=g.lang)
                    audit.record(session, now(), found.email, "sign-in-password",
                                 issuer=found.issuer, detail="second factor to come")
                    target = url_for("desk.sign_in_code")
                else:
                    g.desk_cookie, g.desk_row = auth.new_session(session, now(), user=found,
                                                                 lang=g.lang)
                    audit.record(session, now(), found.email, "sign-in", issuer=found.issuer)
                    target = url_for("desk.two_step_setup") if second else _next()
        if error is None:
            return redirect(target, 303)
    status = {"rate": 429, "locked": 429, "wrong": 401}.get(problem, 200)
    return _page("desk/signin.html", status, problem=problem, until=_local(until), email=email)


def _next() -> str:
    target = request.args.get("next", "")
    if target.startswith("/desk/") and "//" not in target and "\\" not in target:
        return target
    return url_for("desk.home")


def _local(when):
    if when is None:
        return None
    return when.replace(tzinfo=dt.timezone.utc).astimezone(now().tzinfo)


@bp.route("/signin/code", methods=["GET", "POST"])
def sign_in_code():
    row = g.desk_row
    if row.pending_user_id is None:
        return redirect(url_for("desk.sign_in"))
    problem = None
    if request.method == "POST":
        with _db() as session:
            found = session.get(User, row.pending_user_id)
            if found is not None and auth.check_code(found, request.form.get("code", ""), now()):
                auth.end_session(session, row)
                g.desk_cookie, g.desk_row = auth.new_session(session, now(), user=found,
                                                             lang=g.lang)
                audit.record(session, now(), found.email, "sign-in", issuer=found.issuer,
                             detail="with a second factor")
                return redirect(url_for("desk.home"), 303)
            problem = "code"
            if found is not None:
                found.failed_signins = (found.failed_signins or 0) + 1
                if found.failed_signins >= current_app.config["DESK_LOCKOUT_ATTEMPTS"]:
                    found.locked_until = audit.utc(now()) + dt.timedelta(
                        minutes=current_app.config["DESK_LOCKOUT_MINUTES"])
                    found.failed_signins = 0
                    auth.end_session(session, row)
                    g.desk_cookie, g.desk_row = auth.new_session(session, now(), lang=g.lang)
                    problem = "locked"
                audit.record(session, now(), found.email, "sign-in-refused",
                             issuer=found.issuer, detail="wrong second-factor code")
        if problem == "locked":
            return _page("desk/signin.html", 429, problem="locked", until=None, email="")
    return _page("desk/code.html", 401 if problem else 200, problem=problem)


@bp.route("/two-step", methods=["GET", "POST"])
def two_step_setup():
    found = user()
    if found is None:
        return redirect(url_for("desk.sign_in"))
    if found.totp_secret:  # set up already: changing it is for an administrator
        return redirect(url_for("desk.home"))
    problem = None
    secret = request.form.get("secret") or auth.new_totp_secret()
    if request.method == "POST":
        with _db() as session:
            account = session.get(User, found.id)
            trial = User(totp_secret=secret, totp_last_step=None)
            if len(secret) <= 64 and secret.isalnum() and auth.check_code(
                    trial, request.form.get("code", ""), now()):
                account.totp_secret, account.totp_last_step = secret, trial.totp_last_step
                audit.record(session, now(), account.email, "two-step-on", issuer=account.issuer)
                return redirect(url_for("desk.home"), 303)
            problem = "code"
    import pyotp
    uri = pyotp.TOTP(secret).provisioning_uri(name=found.email, issuer_name="crisis-portal desk")
    return _page("desk/two_step.html", 400 if problem else 200, secret=secret, uri=uri,
                 problem=problem)


@bp.post("/signout")
def sign_out():
    found = user()
    with _db() as session:
        auth.end_session(session, g.desk_row)
        if found is not None:
            audit.record(session, now(), found.email, "sign-out", issuer=found.issuer)
        g.desk_cookie, g.desk_row = auth.new_session(session, now(), lang=g.lang)
    return redirect(url_for("desk.sign_in"), 303)


@bp.post("/language")
def language():
    lang = request.form.get("lang", "")
    if lang not in store().languages():
        abort(400)
    with _db() as session:
        row = session.get(type(g.desk_row), g.desk_row.id)
        row.lang = lang
    target = request.form.get("back", "")
    if not (target.startswith("/desk/") and "//" not in target and "\\" not in target):
        target = url_for("desk.home")
    return redirect(target, 303)


# The desk itself -----------------------------------------------------------------------

@bp.get("/")
def home():
    found, response = signed_in()
    if response:
        return response
    with _db() as session:
        drafts = workflow.open_drafts(session, found.issuer)
        authors = _names(session, {d.author_id for d in drafts})
    return _page("desk/home.html", drafts=drafts, authors=authors, kinds=_kinds_for_new())


def _kinds_for_new():
    found = []
    for kind in kinds().values():
        if kind.subtype:
            for subtype in kind.subtypes:
                found.append((kind, subtype))
        else:
            found.append((kind, None))
    return found


def _names(session, ids) -> dict[int, str]:
    if not ids:
        return {}
    return {u.id: u.shown for u in session.scalars(select(User).where(User.id.in_(ids)))}


def _kind_or_404(name: str):
    kind = kinds().get(name)
    if kind is None:
        abort(404)
    return kind


def _department_of_item(item) -> str:
    field = owner_field(item.section)
    return str(getattr(item, field, "") or "") if field else owner_default()


@bp.get("/items/<name>")
def items(name: str):
    found, response = signed_in()
    if response:
        return response
    kind = _kind_or_404(name)
    languages = store().languages()
    groups: dict[str, dict[str, object]] = {}
    for item in library().all():
        if item.section == kind.name and _department_of_item(item) == found.issuer:
            groups.setdefault(item.group, {})[item.lang] = item
    rows = []
    for group, versions in sorted(groups.items()):
        dates = {lang: changed_on(item) for lang, item in versions.items()}
        newest = max((_comparable(d) for d in dates.values() if d is not None), default=None)
        status = {}
        for lang in languages:
            if lang not in versions:
                status[lang] = "missing"
            elif newest is not None and dates[lang] is not None and _comparable(dates[lang]) < newest:
                status[lang] = "outdated"
            else:
                status[lang] = "current"
        rows.append((group, versions, status))
    return _page("desk/items.html", kind=kind, rows=rows, langs=languages,
                 statuses=_place_statuses(kind), now_=now())


def _comparable(value):
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return dt.datetime.combine(value, dt.time())


def _place_statuses(kind) -> tuple[str, ...]:
    field = kind.schema.get("status")
    return compose._options(field.convert) if field is not None and kind.name == "places" else ()


# Compose -------------------------------------------------------------------------------

def _compose_page(kind, subtype, lang, slug, fields, body, *, draft=None, base=None,
                  checked=None, preview=None, source=None, problem=None, status=200):
    return _page("desk/compose.html", status, kind=kind, subtype=subtype, lang=lang, slug=slug,
                 fields=fields, body=body, draft=draft, base=base, checked=checked,
                 preview=preview, source=source, problem=problem,
                 langs=store().languages(), fixed_slug=base is not None or draft is not None,
                 emergency_types=EMERGENCY_TYPES)


@bp.get("/new/<name>")
def new(name: str):
    found, response = signed_in("compose")
    if response:
        return response
    kind = _kind_or_404(name)
    subtype = request.args.get("type") if kind.subtype else None
    if kind.subtype and subtype not in kind.subtypes:
        abort(400)
    lang = request.args.get("lang") or g.lang
    if lang not in store().languages():
        abort(400)
    department = owner_default() if owner_field(kind.name) is None else found.issuer
    if department != found.issuer:
        return refused(_("Items of this kind belong to another department."))
    fields = compose.form_fields(kind, subtype, local_now(), None, department, fresh=True)
    prefill = {}
    if request.args.get("supersedes") and SLUG.fullmatch(request.args["supersedes"]):
        prefill["supersedes"] = request.args["supersedes"]
    for field in fields:
        if field.name in prefill:
            field.value = prefill[field.name]
    return _compose_page(kind, subtype, lang, "", fields, "")


def _live(lang: str, name: str, slug: str):
    """(kind, path, text, digest, meta) of a published file, or a 404."""
    kind = _kind_or_404(name)
    try:
        path = place().path(lang, kind.name, slug)
    except PathRefused:
        abort(404)
    text, digest = read_current(path)
    if digest is None:
        abort(404)
    try:
        parsed = parse(text, "x")
    except Exception:  # noqa: BLE001 - a broken file is edited by hand
        abort(409)
    return kind, path, text, digest, parsed


def _live_for(found: User, action: str, lang: str, name: str, slug: str, refusal: str):
    """(kind, path, text, digest, meta, department) of a published file, a 404 if there is
    none, or ``refusal`` (403) unless ``found`` may ``action`` on its department."""
    kind, path, text, digest, parsed = _live(lang, name, slug)
    dept = department(kind.name, parsed.meta, owner_default())
    if not may(found, action, dept):
        raise workflow.Refused(refusal)
    return kind, path, text, digest, parsed, dept


def _draft_for(session, found: User, number: int, action: str = "view") -> Draft:
    """Draft ``number``, a 404 if there is none, or a refusal (403) unless ``found`` may
    ``action`` on its department."""
    item = session.get(Draft, number)
    if item is None:
        abort(404)
    if not may(found, action, item.issuer):
        raise workflow.Refused(_("This draft belongs to another department."))
    return item


@bp.get("/edit/<lang>/<name>/<slug>")
def edit(lang: str, name: str, slug: str):
    found, response = signed_in("compose")
    if response:
        return response
    kind, path, text, digest, parsed, dept = _live_for(
        found, "compose", lang, name, slug, _("This item belongs to another department."))
    subtype = str(parsed.meta.get(kind.subtype)) if kind.subtype else None
    values = compose.values_of_file(kind, parsed.meta, subtype)
    fields = compose.form_fields(kind, subtype, now(), values, dept, fresh=False)
    return _compose_page(kind, subtype, lang, slug, fields, parsed.body, base=digest)


@bp.get("/translate/<lang>/<name>/<slug>")
def translate(lang: str, name: str, slug: str):
    found, response = signed_in("compose")
    if response:
        return response
    to = request.args.get("to", "")
    if to not in store().languages() or to == lang:
        abort(400)
    kind, path, text, digest, parsed, dept = _live_for(
        found, "compose", lang, name, slug, _("This item belongs to another department."))
    subtype = str(parsed.meta.get(kind.subtype)) if kind.subtype else None
    target_text, target_digest = read_current(place().path(to, kind.name, slug))
    start = parsed
    if target_digest is not None:
        try:
            start = parse(target_text, "x")
        except Exception:  # noqa: BLE001
            start = parsed
    values = compose.values_of_file(kind, start.meta, subtype)
    fields = compose.form_fields(kind, subtype, now(), values, dept, fresh=False)
    source = library().entry(lang, kind.name, slug)
    return _compose_page(kind, subtype, to, slug, fields, start.body, base=target_digest,
                         source=source)


@bp.post("/compose")
def compose_post():
    found, response = signed_in("compose")
    if response:
        return response
    form = request.form
    kind = _kind_or_404(form.get("kind", ""))
    draft = None
    with _db() as session:
        if form.get("draft"):
            if not form["draft"].isdigit():
                abort(400)
            draft = session.get(Draft, int(form["draft"]))
            if draft is None:
                abort(404)
            if draft.kind != kind.name:
                abort(400)
            lang, slug, subtype, base = draft.lang, draft.slug, draft.subtype, draft.base_digest
            if not may(found, "compose", draft.issuer):
                return refused(_("This item belongs to another department."))
        else:
            lang, slug = form.get("lang", ""), form.get("slug", "").strip()
            subtype = form.get("subtype") or None if kind.subtype else None
            base = form.get("base") or None
            if lang not in store().languages() or (
                    base is None and kind.subtype and subtype not in kind.subtypes):
                abort(400)
    # The department: from the published file for an edit, else the desk's rule.
    if base is not None:
        if not compose.valid_slug(slug):
            abort(400)
        current, digest = read_current(place().path(lang, kind.name, slug))
        if digest is None:
            abort(409)
        try:
            meta = parse(current, "x").meta
        except Exception:  # noqa: BLE001
            abort(409)
        dept = department(kind.name, meta, owner_default())
        if kind.subtype:
            subtype = str(meta.get(kind.subtype))
    else:
        dept = owner_default() if owner_field(kind.name) is None else found.issuer
    if not may(found, "compose", dept):
        return refused(_("This item belongs to another department."))
    fields = compose.read_form(kind, subtype, form, dept, now())
    body = form.get("body", "")[:200_000]
    action = form.get("action", "preview")
    if not compose.valid_slug(slug):
        for field in fields:
            field.error = field.error
        return _compose_page(kind, subtype, lang, slug, fields, body, draft=draft, base=base,
                             problem="slug", status=400)
    text = compose.file_text(fields, body)
    rel = f"{lang}/{kind.name}/{slug}.md"
    checked = compose.check(library(), kinds(), store().image_hosts, rel, text, fields)
    source = None
    if form.get("source") in store().languages():
        source = library().entry(form["source"], kind.name, slug)
    if action == "preview" or (action == "submit" and checked.item is None):
        status = 200 if checked.item is not None or action == "preview" else 400
        return _compose_page(kind, subtype, lang, slug, fields, body, draft=draft, base=base,
                             checked=checked, preview=checked.item, source=source,
                             status=status)
    values = {field.name: field.value for field in fields}
    try:
        with _db() as session:
            if draft is not None:
                draft = session.get(Draft, draft.id)
            saved = workflow.save(session, place(), found, now(), draft=draft, kind=kind.name,
                                  lang=lang, slug=slug, subtype=subtype, department=dept,
                                  values=values, body=body, text=text, base_digest=base,
                                  submit=action == "submit")
            draft_id = saved.id
    except workflow.Refused as error:
        return _compose_page(kind, subtype, lang, slug, fields, body, draft=draft, base=base,
                             checked=checked, problem=str(error), status=error.status)
    except PathRefused:
        abort(400)
    return redirect(url_for("desk.draft", number=draft_id), 303)


@bp.get("/drafts/<int:number>")
def draft(number: int):
    found, response = signed_in()
    if response:
        return response
    with _db() as session:
        item = _draft_for(session, found, number)
        trail = audit.entries(session, path=item.path, draft_id=item.id, limit=100)
        names = _names(session, {item.author_id, item.editor_id})
    kind = _kind_or_404(item.kind)
    values = json.loads(item.values)
    fields = compose.form_fields(kind, item.subtype, now(), values, item.issuer, fresh=False)
    checked = compose.check(library(), kinds(), store().image_hosts, item.path, item.text,
                            fields)
    editable = item.state in ("draft", "returned") and may(found, "compose", item.issuer)
    authors = {item.author_id, item.editor_id}
    return _page("desk/draft.html", draft=item, kind=kind, fields=fields, checked=checked,
                 preview=checked.item, trail=trail, names=names, editable=editable,
                 langs=store().languages(),
                 can_submit=item.state in ("draft", "returned") and may(found, "submit", item.issuer),
                 can_approve=item.state == "submitted" and may(found, "approve", item.issuer,
                                                              author_ids=authors),
                 can_emergency=item.state != "published" and may(
                     found, "emergency", item.issuer, kind=item.kind, subtype=item.subtype),
                 now_=now())


@bp.get("/drafts/<int:number>/edit")
def draft_edit(number: int):
    found, response = signed_in("compose")
    if response:
        return response
    with _db() as session:
        item = _draft_for(session, found, number, "compose")
    if item.state not in ("draft", "returned"):
        return refused(_("This draft is waiting for review or published: it cannot be changed now."),
                       409)
    kind = _kind_or_404(item.kind)
    fields = compose.form_fields(kind, item.subtype, now(), json.loads(item.values), item.issuer,
                                 fresh=False)
    return _compose_page(kind, item.subtype, item.lang, item.slug, fields, item.body, draft=item,
                         base=item.base_digest)


@bp.post("/drafts/<int:number>")
def draft_action(number: int):
    found, response = signed_in()
    if response:
        return response
    action = request.form.get("action", "")
    with _db() as session:
        item = _draft_for(session, found, number)
        if action == "submit":
            workflow.submit(session, found, item, now())
        elif action == "return":
            workflow.send_back(session, found, item, request.form.get("comment", ""), now())
        elif action in ("approve", "emergency"):
            kind = _kind_or_404(item.kind)
            fields = compose.form_fields(kind, item.subtype, now(), json.loads(item.values),
                                         item.issuer, fresh=False)
            checked = compose.check(library(), kinds(), store().image_hosts, item.path,
                                    item.text, fields)
            workflow.approve(session, place(), found, item, now(), checked,
                             emergency=action == "emergency")
        else:
            abort(400)
    return redirect(url_for("desk.draft", number=number), 303)


@bp.get("/review")
def review():
    found, response = signed_in()
    if response:
        return response
    with _db() as session:
        drafts = [d for d in workflow.open_drafts(session, found.issuer) if d.state == "submitted"]
        authors = _names(session, {d.author_id for d in drafts})
    return _page("desk/review.html", drafts=drafts, authors=authors)


# Places: status in two clicks ----------------------------------------------------------

@bp.route("/status/<lang>/<slug>", methods=["GET", "POST"])
def place_status(lang: str, slug: str):
    found, response = signed_in("status")
    if response:
        return response
    kind, path, text, digest, parsed, dept = _live_for(
        found, "status", lang, "places", slug, _("This place belongs to another department."))
    statuses = _place_statuses(kind)
    to = request.values.get("to", "")
    if to not in statuses:
        abort(400)
    if request.method == "GET":
        return _page("desk/status.html", lang=lang, slug=slug, to=to,
                     current=parsed.meta.get("status"), title=parsed.meta.get("title", slug))
    new_text = workflow.status_text(text, to, now())
    rel = f"{lang}/places/{slug}.md"
    fields = compose.form_fields(kind, None, now(), {}, dept, fresh=False)
    checked = compose.check(library(), kinds(), store().image_hosts, rel, new_text, fields)
    with _db() as session:
        workflow.change_status(session, place(), found, dept, lang, slug, new_text, checked,
                               now(), to)
    return redirect(url_for("desk.items", name="places", changed=slug), 303)


# Audit ---------------------------------------------------------------------------------

@bp.get("/audit")
def audit_trail():
    found, response = signed_in()
    if response:
        return response
    path = request.args.get("item") or None
    if path is not None and len(path) > 300:
        abort(400)
    with _db() as session:
        trail = audit.entries(session, path=path, issuer=found.issuer, limit=200)
    return _page("desk/audit.html", trail=trail, path=path)


# Reports from residents ----------------------------------------------------------------

@bp.route("/reports", methods=["GET", "POST"])
def reports():
    found, response = signed_in()
    if response:
        return response
    problem = None
    if request.method == "POST":
        if not may(found, "reports"):
            return refused(_("Only approvers and admins answer reports."))
        code, action = request.form.get("code", ""), request.form.get("action", "")
        try:
            with _db() as session:
                if action == "correction":
                    slug = request.form.get("correction", "")
                    if not any(item.type == "rumour-correction"
                               for lang in library().languages
                               if (item := library().get(lang, "disclosures", slug, now()))):
                        raise reports_service.ModerationError(
                            _("That is not a published rumour correction."))
                    reports_service.answer(session, code, slug, now())
                elif action == "not-rumour":
                    reports_service.not_rumour(session, code, now())
                elif action == "merge":
                    reports_service.merge(session, code, request.form.get("into", ""), now())
                elif action == "board":
                    reports_service.check(session, code, now(), True,
                                          request.form.get("board") or None, None)
                else:
                    abort(400)
                audit.record(session, now(), found.email, f"report-{action}",
                             issuer=found.issuer, detail=code[:40])
            current_app.extensions["portal.reports"].snapshot.refresh()
            return redirect(url_for("desk.reports"), 303)
        except reports_service.ModerationError as error:
            problem = str(error)
    with _db() as session:
        listed = reports_service.listing(session, "open", 100)
    corrections = [item for item in library().section(g.lang, "disclosures", now())
                   if getattr(item, "type", None) == "rumour-correction"]
    return _page("desk/reports.html", 400 if problem else 200, reports=listed,
                 grouped=grouped, corrections=corrections, problem=problem,
                 can_answer=may(found, "reports"))


# Accounts (admins) ---------------------------------------------------------------------

@bp.route("/users", methods=["GET", "POST"])
def users():
    found, response = signed_in("users")
    if response:
        return response
    with _db() as session:
        if request.method == "POST":
            number = request.form.get("user", "")
            account = session.get(User, int(number)) if number.isdigit() else None
            if account is None:
                abort(404)
            action = request.form.get("action")
            if action == "require-two-step":
                account.totp_required = True
            elif action == "unlock":
                account.locked_until, account.failed_signins = None, 0
            else:
                abort(400)
            audit.record(session, now(), found.email, f"user-{action}", issuer=account.issuer,
                         detail=account.email)
            return redirect(url_for("desk.users"), 303)
        accounts = list(session.scalars(select(User).order_by(User.issuer, User.email)))
    return _page("desk/users.html", accounts=accounts, now_=audit.utc(now()))


@bp.errorhandler(404)
def not_found(error):
    return _page("desk/refused.html", 404, message=_("There is no such page on the desk."))


@bp.route("/<path:rest>", methods=["GET", "POST"])
def nowhere(rest: str):
    """Any other address under /desk/: the desk's own 404, in the desk's language."""
    abort(404)
