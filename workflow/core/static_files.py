"""Static files: URLs versioned by content, sent compressed, cached a year by the browser.

`url_for("static", filename=...)` gets `?v=` and the first hex digits of the file's SHA-256
(`add_version`, a url_defaults hook), so a changed file gets a new URL and a response to the
URL of the current version may be kept a year as immutable; any other URL of a static file
is revalidated with its ETag. `StaticFiles`, in front of the app, answers `/static/...`
itself: gzip, or Brotli when the brotli package is installed and the browser takes it.

Compressed on the first request for a file and kept in memory per worker, not in `.gz`
files made by a build step: a clean clone, the tests and a server without internet work
without one; a file edited on disk is hashed and compressed anew (the cache is keyed by
its size and modification time), so no stale copy is ever sent. The cost is one
compression per file and worker (a few milliseconds for Bootstrap's 232 KB); files past
MAX_CACHED_BYTES, none today, are left to Flask's own static route, uncompressed.
"""
import gzip
import hashlib
import mimetypes
import os
from dataclasses import dataclass, field

from flask import Flask
from werkzeug.http import parse_accept_header, parse_etags
from werkzeug.security import safe_join

try:
    import brotli
except ImportError:  # an optional extra: gzip alone then
    brotli = None

MAX_CACHED_BYTES = 2 * 1024 * 1024
VERSION_DIGITS = 12
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
COMPRESSIBLE = ("text/", "application/javascript", "application/json", "image/svg+xml")


@dataclass
class StaticFile:
    """One file's bytes as sent: the plain body and its compressed forms, by encoding."""

    stamp: tuple[int, int]
    version: str
    content_type: str
    bodies: dict[str, bytes] = field(default_factory=dict)


def _content_type(path: str) -> str:
    kind = mimetypes.guess_type(path)[0] or "application/octet-stream"
    return f"{kind}; charset=utf-8" if kind.startswith("text/") else kind


def _read(path: str, stamp: tuple[int, int]) -> StaticFile:
    with open(path, "rb") as source:
        body = source.read()
    content_type = _content_type(path)
    found = StaticFile(stamp, hashlib.sha256(body).hexdigest()[:VERSION_DIGITS], content_type,
                       {"identity": body})
    if content_type.startswith(COMPRESSIBLE):
        packed = {"gzip": gzip.compress(body, compresslevel=9, mtime=0)}
        if brotli is not None:
            packed["br"] = brotli.compress(body, quality=9)
        found.bodies.update({name: data for name, data in packed.items()
                             if len(data) < len(body)})
    return found


class StaticFiles:
    """WSGI middleware answering GET and HEAD under the app's static URL path; everything
    else, and any file it does not keep, goes on to the app."""

    def __init__(self, app: Flask):
        self.app = app
        self.wsgi_app = app.wsgi_app
        self.files: dict[str, StaticFile] = {}

    def file(self, filename: str) -> StaticFile | None:
        """The file of the static folder named `filename`, read again when it changed."""
        path = safe_join(self.app.static_folder, filename)
        if path is None:
            return None
        try:
            status = os.stat(path)
        except OSError:
            return None
        if not os.path.isfile(path) or status.st_size > MAX_CACHED_BYTES:
            return None
        stamp = (status.st_mtime_ns, status.st_size)
        kept = self.files.get(path)
        if kept is None or kept.stamp != stamp:
            kept = self.files[path] = _read(path, stamp)
        return kept

    def add_version(self, endpoint: str, values: dict) -> None:
        """url_defaults hook: `?v=<hash>` on the URL of every static file."""
        if endpoint == "static" and "filename" in values and "v" not in values:
            found = self.file(values["filename"])
            if found is not None:
                values["v"] = found.version

    def __call__(self, environ, start_response):
        prefix = f"{self.app.static_url_path}/"
        path = environ.get("PATH_INFO", "")
        found = None
        if path.startswith(prefix) and environ["REQUEST_METHOD"] in ("GET", "HEAD"):
            found = self.file(path[len(prefix):])
        if found is None:
            return self.wsgi_app(environ, start_response)
        return self._send(found, environ, start_response)

    def _send(self, found: StaticFile, environ, start_response):
        accepted = parse_accept_header(environ.get("HTTP_ACCEPT_ENCODING", ""))
        encoding = next((name for name in ("br", "gzip")
                         if name in found.bodies and accepted[name] > 0), "identity")
        body = found.bodies[encoding]
        etag = found.version if encoding == "identity" else f"{found.version}-{encoding}"
        query = environ.get("QUERY_STRING", "")
        headers = [
            ("Content-Type", found.content_type),
            ("ETag", f'"{etag}"'),
            ("Vary", "Accept-Encoding"),
            ("Cache-Control", IMMUTABLE if f"v={found.version}" in query.split("&")
             else REVALIDATE),
            ("X-Content-Type-Options", "nosniff"),
        ]
        if encoding != "identity":
            headers.append(("Content-Encoding", encoding))
        if parse_etags(environ.get("HTTP_IF_NONE_MATCH")).contains(etag):
            start_response("304 Not Modified", headers)
            return []
        headers.append(("Content-Length", str(len(body))))
        start_response("200 OK", headers)
        return [] if environ["REQUEST_METHOD"] == "HEAD" else [body]


def init_app(app: Flask) -> None:
    files = StaticFiles(app)
    app.wsgi_app = files
    app.url_defaults(files.add_version)
