"""Static files: versioned URLs, sent compressed, kept a year only under their current version
(workflow/core/static_files.py)."""
import gzip
import re
import shutil
from pathlib import Path

import pytest
from flask import url_for

from workflow import create_app

STATIC = Path(__file__).resolve().parents[2] / "workflow" / "static"
BOOTSTRAP = "vendor/bootstrap/bootstrap.min.css"


def _stylesheets(html: str) -> list[str]:
    return re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)


def test_a_page_links_its_stylesheets_with_a_version(client):
    sheets = _stylesheets(client.get("/login").get_data(as_text=True))
    assert sheets, "the login page links no stylesheet"
    for href in sheets:
        assert re.fullmatch(r"/static/[\w/.-]+\.css\?v=[0-9a-f]{12}", href), href


def test_a_versioned_stylesheet_comes_gzipped_and_kept_a_year(client):
    href = next(h for h in _stylesheets(client.get("/login").get_data(as_text=True))
                if BOOTSTRAP in h)
    response = client.get(href, headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "gzip"
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert "Accept-Encoding" in response.headers["Vary"]
    assert response.content_type.startswith("text/css")
    plain = (STATIC / BOOTSTRAP).read_bytes()
    assert gzip.decompress(response.data) == plain
    assert len(response.data) < len(plain) / 4


def test_a_browser_without_gzip_gets_the_plain_file(client):
    with client.application.test_request_context():
        href = url_for("static", filename="css/app.css")
    response = client.get(href, headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in response.headers
    assert response.data == (STATIC / "css" / "app.css").read_bytes()


def test_an_unversioned_or_outdated_url_is_revalidated_not_kept(client):
    with client.application.test_request_context():
        current = url_for("static", filename="css/app.css")
    for href in ("/static/css/app.css", "/static/css/app.css?v=000000000000"):
        assert client.get(href).headers["Cache-Control"] == "no-cache"
    first = client.get(current, headers={"Accept-Encoding": "gzip"})
    again = client.get(current, headers={"Accept-Encoding": "gzip",
                                         "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert again.data == b""


@pytest.mark.parametrize("path", ["/static/../wsgi.py", "/static/%2e%2e/wsgi.py",
                                  "/static/css/missing.css"])
def test_nothing_outside_the_static_folder_or_missing_is_sent(client, path):
    assert client.get(path).status_code == 404


def test_a_changed_file_gets_a_new_url(tmp_path):
    folder = tmp_path / "static"
    shutil.copytree(STATIC, folder)
    app = create_app({"TESTING": True, "SECRET_KEY": "test", "RATE_LIMITS": False,
                      "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    app.static_folder = str(folder)
    client = app.test_client()
    with app.test_request_context():
        before = url_for("static", filename="css/app.css")
    sheet = folder / "css" / "app.css"
    sheet.write_text(sheet.read_text() + "\n.changed { color: red; }\n")
    with app.test_request_context():
        after = url_for("static", filename="css/app.css")
    assert before != after
    response = client.get(after, headers={"Accept-Encoding": "gzip"})
    assert gzip.decompress(response.data).endswith(b".changed { color: red; }\n")
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert client.get(before).headers["Cache-Control"] == "no-cache"
