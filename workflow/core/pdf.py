"""PDF rendering: the only module that imports WeasyPrint, and the one Jinja environment
for documents (templates/pdf/, autoescaped, strict about undefined names): every document
is rendered by `render_document(template, **context)`.

Resources: WeasyPrint's default fetcher reads local files and follows redirects, the source
of several CVEs, so rendering uses `StaticOnlyFetcher`, which serves two kinds of URL:

- ``static:css/pdf.css`` (or ``static:/css/pdf.css``): a file under the app's static folder
  (workflow/static). The path is resolved, symlinks included, and refused when it leaves
  the folder.
- ``data:image/...``: inline images, e.g. a QR code.

Anything else (file:, http:, https:, ftp:, relative URLs) raises, and WeasyPrint skips the
resource with a warning. Templates therefore write ``<link rel="stylesheet"
href="static:css/pdf.css">`` and need no base_url.

WeasyPrint is imported on the first render, not with this module: its import takes over a
second, which a web worker that never renders a document should not pay at start-up.

Every PDF has its embedded fonts compacted (workflow.core.pdf_fonts): WeasyPrint keeps every
glyph slot of a CJK font up to the last one used, which made a one-page letter 260 KB.

Fonts: each typographic role of GB/T 9704 (fangsong, xiaobiaosong, hei, kai, song) maps to
a CSS font-family list, overridable per role by the config key PDF_FONTS. Every rendered
document gets `font_css()`: a custom property ``--font-<role>`` and a class
``font-<role>`` per role.
"""
import atexit
import ctypes.util
import mimetypes
import re
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import unquote
from urllib.request import DataHandler, Request

from flask import current_app, has_app_context
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from workflow.core.config import ROOT

DEFAULT_FONTS = {
    "fangsong": "'FangSong_GB2312', 'FangSong', 'Noto Serif CJK SC'",
    "xiaobiaosong": "'FZXiaoBiaoSong-B05S', 'Noto Serif CJK SC'",
    "hei": "'SimHei', 'Noto Sans CJK SC'",
    "kai": "'KaiTi', 'LXGW WenKai', 'Noto Serif CJK SC'",
    "song": "'SimSun', 'Noto Serif CJK SC'",
}
PACKAGE_STATIC = Path(__file__).resolve().parent.parent / "static"
_ROLE_NAME = re.compile(r"[a-z][a-z0-9-]*\Z")
# Documents print text people typed: autoescaped, so it is never read as markup. Not the
# app's environment: documents render without a request (the CLI, `flask tick`).
_documents = Environment(loader=FileSystemLoader(ROOT / "templates"), autoescape=True,
                         undefined=StrictUndefined)


class RefusedURL(ValueError):
    """A resource URL the PDF renderer does not serve."""


def static_root() -> Path:
    if has_app_context() and current_app.static_folder:
        return Path(current_app.static_folder).resolve()
    return PACKAGE_STATIC


def static_path(url: str, root: Path) -> Path:
    """The file a ``static:`` URL names, or RefusedURL when it is not a file inside root."""
    relative = unquote(url.removeprefix("static:").split("?")[0].split("#")[0]).lstrip("/")
    target = (root / relative).resolve()
    if not target.is_relative_to(root) or not target.is_file():
        raise RefusedURL(f"not a static file: {url}")
    return target


class StaticOnlyFetcher:
    """Serves static: files and data: images; refuses every other URL without opening it.
    WeasyPrint receives it wrapped in its own fetcher class (`_weasyprint`)."""

    def __init__(self, root: Path | None = None):
        self.root = (root or static_root()).resolve()

    def fetch(self, url, headers=None):
        from weasyprint.urls import URLFetcherResponse  # WeasyPrint only when rendering

        scheme = url.partition(":")[0].lower()
        if scheme == "static":
            path = static_path(url, self.root)
            # WeasyPrint reads a stylesheet only when it is served as text/css.
            kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": kind})
        if scheme == "data" and url[5:].lower().startswith("image/"):
            inline = DataHandler().data_open(Request(url))
            return URLFetcherResponse(url, inline.read(), inline.headers)
        raise RefusedURL(f"refused: {url[:80]}")


@cache
def _weasyprint():
    """(HTML, CSS, fetcher class, FontConfiguration) of WeasyPrint, imported on the first
    render."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import URLFetcher

    class Fetcher(URLFetcher):
        def __init__(self, static: StaticOnlyFetcher):
            super().__init__(allow_redirects=False)
            self.static = static

        def fetch(self, url, headers=None):
            return self.static.fetch(url, headers)

    return HTML, CSS, Fetcher, FontConfiguration


_per_thread = threading.local()


def _font_config():
    """This thread's WeasyPrint font configuration, kept from one render to the next: a
    new one per render loaded the CJK fonts again each time and never gave back ~3 MB, so
    a worker that rendered 150 letters grew past 800 MB; kept, it stays at ~250 MB and a
    letter renders faster. One per thread: Pango's font maps are not shared across threads.
    """
    if getattr(_per_thread, "font_config", None) is None:
        _per_thread.font_config = _weasyprint()[3]()
        # Let it go before the interpreter tears WeasyPrint down, or its __del__ fails.
        atexit.register(vars(_per_thread).pop, "font_config", None)
    return _per_thread.font_config


@dataclass(frozen=True)
class PdfSetup:
    """What a render reads from the app, as plain data: a worker process that has no app
    renders with the setup its parent took (`pdf_setup()`)."""

    fonts: tuple[tuple[str, str], ...]
    static_root: Path


def pdf_setup() -> PdfSetup:
    return PdfSetup(tuple(font_roles().items()), static_root())


def font_roles() -> dict[str, str]:
    """Role -> CSS font-family list: the defaults, with PDF_FONTS from the config on top."""
    roles = dict(DEFAULT_FONTS)
    if has_app_context():
        roles.update(current_app.config.get("PDF_FONTS") or {})
    for role, families in roles.items():
        if not _ROLE_NAME.match(role) or any(c in families for c in "{};<>"):
            raise ValueError(f"PDF_FONTS[{role!r}] is not a role name and a font-family list")
    return roles


def font_css(roles: dict[str, str] | None = None) -> str:
    """CSS giving each font role a custom property --font-<role> and a class .font-<role>."""
    roles = font_roles() if roles is None else roles
    variables = "".join(f"--font-{role}: {families}; " for role, families in roles.items())
    classes = "".join(
        f".font-{role} {{ font-family: {families}; }}\n" for role, families in roles.items()
    )
    return f":root {{ {variables}}}\n{classes}"


def render_pdf(html: str, *, base_url: str | None = None, setup: PdfSetup | None = None) -> bytes:
    """Render an HTML string to PDF bytes, fetching only static: files and data: images.

    base_url is passed to WeasyPrint for links; resources it would resolve are still
    refused unless they are static: or data: URLs. Without a setup, the app's is used.
    """
    setup = setup or pdf_setup()
    html_class, css_class, fetcher_class, _ = _weasyprint()
    fetcher = fetcher_class(StaticOnlyFetcher(setup.static_root))
    document = html_class(string=html, base_url=base_url, url_fetcher=fetcher)
    font_config = _font_config()
    fonts = css_class(string=font_css(dict(setup.fonts)), url_fetcher=fetcher,
                      font_config=font_config)
    # pikepdf and cffi load with the first PDF, as WeasyPrint does (tests/platform/test_startup.py).
    from workflow.core.pdf_fonts import compact_fonts

    return compact_fonts(document.write_pdf(stylesheets=[fonts], font_config=font_config))


def document_html(template: str, **context) -> str:
    """The HTML of a document template such as "notices/pdf/notice.html"."""
    return _documents.get_template(template).render(**context)


def render_document(template: str, **context) -> bytes:
    """A document template rendered to PDF bytes."""
    return render_pdf(document_html(template, **context))


@cache
def harfbuzz_subset_available() -> bool:
    """Whether libharfbuzz-subset is installed; without it font subsetting is ~40x slower."""
    return ctypes.util.find_library("harfbuzz-subset") is not None
