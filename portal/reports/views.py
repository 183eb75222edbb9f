"""/<lang>/report (the form), /<lang>/report/<code> (its status), /<lang>/rumours/checking.

The form and status pages are never stored by the page cache or any shared cache
(``no-store, private``). The board is a reading page: it comes from the snapshot.
"""
from __future__ import annotations

import logging

from flask import abort, current_app, g, make_response, render_template, request
from sqlalchemy.exc import SQLAlchemyError

from ..db import get_db
from ..views.common import lang, language_blueprint, library, now
from . import service
from .codes import grouped, new_code
from .forms import FormTiming, ReportForm, read_token, start_token
from .guard import RateLimited, Replayed
from .secret import secret_key

log = logging.getLogger(__name__)
bp = language_blueprint("reports", __name__)
MAX_BODY = 64 * 1024
PRIVATE = "no-store, private"


def reports():
    return current_app.extensions["portal.reports"]


def private(body, status: int = 200, headers: dict | None = None):
    response = make_response(body, status, headers or {})
    response.headers["Cache-Control"] = PRIVATE
    return response


def render_form(form: ReportForm, status: int = 200, problem: str | None = None,
                token: str | None = None):
    return private(render_template("reports/form.html", form=form, problem=problem,
                                   started=token or start_token(secret_key()),
                                   unavailable=False), status)


def unavailable(status: int, text: str | None = None):
    return private(render_template("reports/form.html", form=None, unavailable=True,
                                   kept_text=text, problem=None, started=None), status)


@bp.route("/report", methods=["GET", "POST"])
def form():
    request.max_content_length = MAX_BODY
    state = reports()
    if request.method == "GET":
        if not state.snapshot.ping():
            return unavailable(200)
        return render_form(ReportForm(formdata=None))
    form = ReportForm()
    valid = form.validate()
    if form.csrf_token.errors:
        return render_form(form, 400, "expired")
    try:
        nonce = read_token(secret_key(), form.started.data,
                           current_app.config["REPORT_MIN_SECONDS"])
    except FormTiming as timing:
        # Too fast: keep the form's own start, so waiting a moment and sending works.
        keep = form.started.data if timing.reason == "too-fast" else None
        return render_form(form, 400, timing.reason, token=keep)
    if form.is_robot:
        log.info("report form: honeypot filled; nothing stored")
        return private(render_template("reports/receipt.html", code=grouped(new_code())))
    if not valid:
        return render_form(form, 400, "invalid", token=form.started.data)
    sent = service.Sent(lang=lang(), text=form.text.data, place=form.place.data,
                        seen=form.seen.data, link=form.link.data or None,
                        contact=form.contact.data or None, consent=bool(form.consent.data))
    try:
        with get_db().session() as session:
            code = service.submit(session, sent, address=request.remote_addr or "",
                                  nonce=nonce, now=now(),
                                  limit=current_app.config["REPORTS_PER_ADDRESS"])
    except RateLimited as limited:
        response = render_form(form, 429, "rate", token=form.started.data)
        response.headers["Retry-After"] = str(limited.retry_after)
        return response
    except Replayed:
        return render_form(form, 400, "replayed")
    except SQLAlchemyError as exc:
        log.error("report not stored, the database failed: %s: %s", type(exc).__name__, exc)
        state.snapshot.mark_unavailable()
        state.snapshot.expire()
        return unavailable(503, form.text.data)
    # Committed: only now is the code shown.
    return private(render_template("reports/receipt.html", code=grouped(code)))


@bp.get("/report/<string(maxlength=40):code>")
def status(code: str):
    try:
        with get_db().session() as session:
            report = service.find(session, code)
            if report is None:
                abort(404)
            final = service.outcome(session, report)
            found = {"code": grouped(report.code), "text": report.text, "status": report.status,
                     "received": report.created_at, "final_status": final.status,
                     "correction": final.correction if final.status == "answered" else None}
    except SQLAlchemyError as exc:
        log.error("report status unavailable: %s: %s", type(exc).__name__, exc)
        reports().snapshot.mark_unavailable()
        return private(render_template("reports/status_unavailable.html"), 503)
    correction = None
    if found["correction"]:
        correction = library().find(lang(), "disclosures", found["correction"], now())
    return private(render_template("reports/status.html", report=found, correction=correction))


@bp.get("/rumours/checking")
def checking():
    snapshot = reports().snapshot
    g.reports_version = snapshot.state()
    return render_template("reports/checking.html", claims=snapshot.board)


@bp.before_request
def have_secret():
    """An app that was never prepared has no signing key yet: make it, then open the
    session again with it (Flask opened it before this hook)."""
    if not current_app.config.get("SECRET_KEY"):
        from flask.globals import request_ctx
        secret_key()
        request_ctx.session = current_app.session_interface.open_session(current_app, request)


@bp.after_request
def never_stored(response):
    """Forms and status pages: no page cache, no shared cache, no back-button copy."""
    if request.endpoint in ("reports.form", "reports.status"):
        response.headers["Cache-Control"] = PRIVATE
    return response

