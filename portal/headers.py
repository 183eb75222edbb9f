"""Security and caching headers on every response the app makes.

Static files are answered by WhiteNoise before the app runs; assets.py gives them
the same security headers.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Response, request
from werkzeug.http import parse_date
from werkzeug.middleware.proxy_fix import ProxyFix

from .store import get_store

CSP = "; ".join([
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    "font-src 'self'",
    "connect-src 'self'",
    "manifest-src 'self'",
    "worker-src 'self'",
    "form-action 'self'",
    "base-uri 'none'",
    "object-src 'none'",
    "frame-ancestors 'none'",
])
PERMISSIONS = ("camera=(), microphone=(), geolocation=(), payment=(), usb=(), "
               "browsing-topics=()")
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": PERMISSIONS,
    "Cross-Origin-Opener-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}
HSTS = "max-age=31536000; includeSubDomains"
# Types that are text but that werkzeug leaves without a charset.
NEEDS_CHARSET = ("application/json",)


def cache_control(config) -> str:
    return (f"public, max-age={config['CACHE_MAX_AGE']}, "
            f"stale-while-revalidate={config['CACHE_STALE_WHILE_REVALIDATE']}, "
            f"stale-if-error={config['CACHE_STALE_IF_ERROR']}")


class PublicHost:
    """WSGI layer that puts the host of BASE_URL in place of the request's own.

    Anything built from the host (werkzeug's trailing-slash and merged-slash
    redirects, url_for(_external=True), request.url) then names the site's one
    public address: a forged Host or X-Forwarded-Host cannot make an answer a
    shared cache keeps and serves to everyone else.
    """

    def __init__(self, app, base_url: str):
        self.app, self.host = app, urlsplit(base_url).netloc

    def __call__(self, environ, start_response):
        environ["HTTP_HOST"] = self.host
        environ.pop("HTTP_X_FORWARDED_HOST", None)
        return self.app(environ, start_response)


def public_location(location: str, base_url: str) -> str:
    """A redirect to this site, written on BASE_URL (scheme included)."""
    parts = urlsplit(location)
    if not parts.netloc or parts.netloc != urlsplit(base_url).netloc:
        return location
    return base_url.rstrip("/") + parts.path + (f"?{parts.query}" if parts.query else "")


def conditional_environ(environ: dict) -> dict:
    """The request's conditions, less an If-Modified-Since later than now: RFC 9110
    13.1.3 makes it invalid, and honouring it would pin a stale copy until then."""
    since = parse_date(environ.get("HTTP_IF_MODIFIED_SINCE"))
    if since is None or since <= get_store().now():
        return environ
    return {name: value for name, value in environ.items() if name != "HTTP_IF_MODIFIED_SINCE"}


def init_app(app: Flask) -> None:
    base_url = app.config["BASE_URL"]
    app.wsgi_app = PublicHost(app.wsgi_app, base_url)
    # Behind N trusted proxies (PORTAL_PROXY_FIX=N), take the scheme and client
    # from their X-Forwarded-* headers, so HSTS is sent when the visitor used https.
    # gunicorn already does this for proxies in FORWARDED_ALLOW_IPS. Their host is
    # ignored: PublicHost, inside, puts BASE_URL's in its place.
    proxies = app.config["PROXY_FIX"]
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies,
                                x_host=proxies, x_port=proxies)
    public_cache = cache_control(app.config)

    @app.after_request
    def add_headers(response: Response) -> Response:
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if response.mimetype in NEEDS_CHARSET and "charset" not in response.content_type:
            response.content_type = f"{response.mimetype}; charset=utf-8"
        if request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        if "Location" in response.headers:
            response.headers["Location"] = public_location(response.headers["Location"], base_url)
        if request.method in ("GET", "HEAD") and response.status_code == 200:
            response.headers.setdefault("Cache-Control", public_cache)
            if not response.direct_passthrough and not response.is_streamed:
                response.add_etag()
                response.make_conditional(conditional_environ(request.environ))
        elif "Cache-Control" not in response.headers:
            response.headers["Cache-Control"] = "no-store" if response.status_code >= 500 \
                else "public, max-age=60"
        return response
