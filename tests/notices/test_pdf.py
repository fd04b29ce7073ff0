"""workflow.core.pdf: the fetcher serves only static files and data: images; fonts per role."""
import sys
from io import BytesIO
from urllib.parse import quote

import pytest
from pypdf import PdfReader

from workflow.core import pdf

STATIC = pdf.PACKAGE_STATIC
SVG = ('<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8">'
       '<rect width="8" height="8"/></svg>')
DATA_IMAGE = f"data:image/svg+xml,{quote(SVG)}"

_opened: list[str] | None = None


def _record_open(event, args):
    if event == "open" and _opened is not None:
        _opened.append(str(args[0]))


sys.addaudithook(_record_open)


@pytest.fixture
def fetcher():
    return pdf.StaticOnlyFetcher()


@pytest.fixture
def fetches(monkeypatch):
    """Every URL WeasyPrint asks the fetcher for, with "served" or "refused"."""
    calls = []
    real_fetch = pdf.StaticOnlyFetcher.fetch

    def spy(self, url, headers=None):
        try:
            response = real_fetch(self, url, headers)
        except Exception:
            calls.append((url, "refused"))
            raise
        calls.append((url, "served"))
        return response
    monkeypatch.setattr(pdf.StaticOnlyFetcher, "fetch", spy)
    return calls


@pytest.mark.parametrize("url", [
    "file:///etc/passwd",
    "FILE:///etc/passwd",
    "http://127.0.0.1/secret",
    "https://example.com/x.css",
    "ftp://127.0.0.1/x",
    "static:../pdf.py",
    "static:/../../pyproject.toml",
    "static:%2e%2e/pdf.py",
    "static:css/../../pdf.py",
    "static:css",
    "static:css/missing.css",
    "data:text/html,<p>x</p>",
    "css/app.css",
])
def test_fetcher_refuses_anything_but_static_files(fetcher, url):
    with pytest.raises(pdf.RefusedURL):
        fetcher.fetch(url)


def test_fetcher_refuses_symlink_out_of_static(tmp_path):
    root = tmp_path / "static"
    root.mkdir()
    (tmp_path / "secret.txt").write_text("secret")
    (root / "link.css").symlink_to(tmp_path / "secret.txt")
    with pytest.raises(pdf.RefusedURL):
        pdf.StaticOnlyFetcher(root).fetch("static:link.css")


@pytest.mark.parametrize("url", ["static:css/app.css", "static:/css/app.css"])
def test_fetcher_serves_static_file(fetcher, url):
    assert fetcher.fetch(url).read() == (STATIC / "css" / "app.css").read_bytes()


def test_fetcher_serves_data_image(fetcher):
    assert fetcher.fetch(DATA_IMAGE).read() == SVG.encode()


def test_render_pdf_never_reads_local_or_remote_urls(fetches):
    global _opened
    html = ('<link rel="stylesheet" href="static:css/app.css">'
            '<link rel="stylesheet" href="http://127.0.0.1:9/x.css">'
            '<p>推荐汇总表</p><img src="file:///etc/passwd">'
            f'<img src="{DATA_IMAGE}">')
    _opened = []
    try:
        document = pdf.render_pdf(html)
    finally:
        opened, _opened = _opened, None
    outcome = dict(fetches)
    assert outcome["file:///etc/passwd"] == "refused"
    assert outcome["http://127.0.0.1:9/x.css"] == "refused"
    assert outcome["static:css/app.css"] == "served"
    assert outcome[DATA_IMAGE] == "served"
    assert "/etc/passwd" not in opened
    assert str(STATIC / "css" / "app.css") in opened, "the audit hook saw no opens"
    assert "推荐汇总表" in PdfReader(BytesIO(document)).pages[0].extract_text()


def test_render_pdf_does_not_follow_relative_urls_out_of_a_base(fetches):
    pdf.render_pdf('<img src="passwd">', base_url="file:///etc/")
    assert fetches == [("file:///etc/passwd", "refused")]


def test_font_css_has_a_property_and_class_per_role():
    css = pdf.font_css()
    for role, families in pdf.DEFAULT_FONTS.items():
        assert f"--font-{role}: {families};" in css
        assert f".font-{role} {{ font-family: {families}; }}" in css


def test_font_roles_overridden_from_config(app, monkeypatch):
    monkeypatch.setitem(app.config, "PDF_FONTS", {"fangsong": "'AR PL UKai CN'"})
    roles = pdf.font_roles()
    assert roles["fangsong"] == "'AR PL UKai CN'"
    assert roles["hei"] == pdf.DEFAULT_FONTS["hei"]


@pytest.mark.parametrize("fonts", [
    {"fangsong": "x; } body { display: none"},
    {"bad role": "'SimSun'"},
])
def test_font_roles_refuse_css_outside_a_family_list(app, monkeypatch, fonts):
    monkeypatch.setitem(app.config, "PDF_FONTS", fonts)
    with pytest.raises(ValueError):
        pdf.font_css()


def test_harfbuzz_subset_is_installed():
    # Without it a Chinese page renders in seconds instead of a fraction of one (DOMAIN.md 10).
    assert pdf.harfbuzz_subset_available() is True


def test_static_stylesheet_is_served_as_css_so_weasyprint_applies_it(fetcher):
    response = fetcher.fetch("static:css/official.css")
    assert response.content_type == "text/css"
    document = pdf.render_pdf('<link rel="stylesheet" href="static:css/official.css"><p>正文</p>')
    page = PdfReader(BytesIO(document)).pages[0]
    assert round(float(page.mediabox.width)) == 595  # A4 comes from official.css


def test_urls_inside_css_are_refused_and_never_opened(fetches):
    global _opened
    html = ("<style>@import url(file:///etc/passwd);"
            "@font-face { font-family: x; src: url(file:///etc/hostname); }"
            "body { background: url(http://127.0.0.1:9/track.png); font-family: x; }"
            "p { list-style-image: url(https://example.com/x.png); }</style><p>正文</p>")
    _opened = []
    try:
        pdf.render_pdf(html)
    finally:
        opened, _opened = _opened, None
    outcome = dict(fetches)
    for url in ("file:///etc/passwd", "file:///etc/hostname", "http://127.0.0.1:9/track.png"):
        assert outcome.get(url) == "refused", url
    assert not {"/etc/passwd", "/etc/hostname"} & set(opened)
