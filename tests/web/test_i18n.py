"""Translations: the catalogs cover every string of the code, and pages switch language.

The Chinese catalog lives in translations/zh_Hans_CN: Flask-Babel parses the locale "zh_CN"
with Babel, which names it zh_Hans_CN, and gettext looks for that directory (or "zh"), never
for "zh_CN".

When a test here fails after you added or changed a string, run (the Makefile does the same):

    .venv/bin/pybabel -q extract -F babel.cfg -k _l -k lazy_gettext --ignore-dirs='.*' \
        --project=Centerflow -o workflow/translations/messages.pot workflow forms templates
    .venv/bin/pybabel update -i workflow/translations/messages.pot -d workflow/translations
    # translate the new entries in workflow/translations/zh_Hans_CN/LC_MESSAGES/messages.po
    .venv/bin/pybabel compile -d workflow/translations
"""
import os
import re
import tempfile
from pathlib import Path

import pytest
from babel.messages.frontend import CommandLineInterface
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask_babel import refresh

from workflow.core.config import ROOT
from workflow.core.extensions import TRANSLATIONS, db

POT = TRANSLATIONS / "messages.pot"
ZH = TRANSLATIONS / "zh_Hans_CN" / "LC_MESSAGES" / "messages.po"
EN = TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po"
# The same extraction as the Makefile's: keywords, config and input paths.
EXTRACT = ["-F", str(ROOT / "babel.cfg"), "-k", "_l", "-k", "lazy_gettext",
           "--ignore-dirs=.*"]
SOURCES = [str(ROOT / "workflow"), str(ROOT / "forms"), str(ROOT / "templates")]

# %(name)s, %(n)d ... and %% ; anything else after a % is a stray percent sign.
PERCENT = re.compile(r"%(?:\((?P<name>[^)]*)\)[#0 +-]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]|%)")


def _catalog(path: Path):
    with path.open("rb") as f:
        return read_po(f)


def _msgids(catalog) -> set[str]:
    return {m.id for m in catalog if m.id}


def _forms(text) -> tuple[str, ...]:
    """The forms of a message: one, or the singular and plurals of an ngettext entry."""
    return tuple(text) if isinstance(text, tuple | list) else (text,)


def _placeholders(text) -> set[str]:
    return {m.group("name") for form in _forms(text) for m in PERCENT.finditer(form or "")
            if m.group("name") is not None}


def _stray_percent(text) -> bool:
    return any(form.count("%") != sum(m.group(0).count("%") for m in PERCENT.finditer(form))
               for form in _forms(text) if form)


def _listing(ids) -> str:
    return "\n".join(f"  {i!r}" for i in sorted(ids, key=str))  # plural ids are tuples


def _compile_if_stale() -> bool:
    """Compile each .po whose .mo is missing or older (as `pybabel compile` does)."""
    compiled = False
    for po in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        catalog = _catalog(po)
        fd, tmp = tempfile.mkstemp(dir=po.parent, suffix=".mo.part")
        with os.fdopen(fd, "wb") as f:
            write_mo(f, catalog)
        os.replace(tmp, mo)
        compiled = True
    return compiled


@pytest.fixture(scope="session")
def compiled_catalogs(app):
    """`make test` compiles the catalogs first; this also covers a direct `pytest` run."""
    if _compile_if_stale():
        # Flask-Babel caches the translations per locale: forget what an earlier test loaded.
        with app.app_context():
            app.extensions["babel"].instance.domain_instance.cache.clear()


@pytest.fixture(scope="session")
def extracted(tmp_path_factory) -> set[str]:
    out = tmp_path_factory.mktemp("i18n") / "messages.pot"
    CommandLineInterface().run(["pybabel", "-q", "extract", *EXTRACT, "-o", str(out), *SOURCES])
    return _msgids(_catalog(out))


def test_every_message_has_a_chinese_translation_with_the_same_placeholders():
    pot, zh = _catalog(POT), _catalog(ZH)
    untranslated, fuzzy, mismatched, stray = [], [], [], []
    for message in pot:
        if not message.id:
            continue
        translated = zh.get(message.id)
        if translated is None or not all(str(f or "").strip()
                                         for f in _forms(translated.string)):
            untranslated.append(message.id)
            continue
        if translated.fuzzy:
            fuzzy.append(message.id)
        if _placeholders(message.id) != _placeholders(translated.string):
            mismatched.append(f"{message.id!r} -> {translated.string!r}")
        if _stray_percent(translated.string):
            stray.append(f"{translated.string!r} (write %% for a percent sign)")
    assert not untranslated, f"no Chinese translation in {ZH.name} for:\n{_listing(untranslated)}"
    assert not fuzzy, f"fuzzy (unchecked) Chinese translations:\n{_listing(fuzzy)}"
    assert not mismatched, "placeholders differ:\n" + "\n".join(mismatched)
    assert not stray, "a lone % breaks the formatting:\n" + "\n".join(stray)


def test_catalogs_match_the_strings_in_the_code(extracted):
    """A string added to the code without extraction and translation fails here by name."""
    assert extracted, "the extraction found nothing: check babel.cfg"
    for path in (POT, ZH, EN):
        known = _msgids(_catalog(path))
        missing, stale = extracted - known, known - extracted
        where = path.relative_to(ROOT)
        assert not missing, (
            f"{where} lacks strings of the code (extract, update and translate them; "
            f"see the docstring of tests/web/test_i18n.py):\n{_listing(missing)}"
        )
        assert not stale, f"{where} has strings no longer in the code (run the update):\n" \
                          f"{_listing(stale)}"


def _page(client, path: str) -> str:
    # The test's app context outlives the requests, and Flask-Babel keeps the request's
    # locale in g: forget it, as a new request in production would.
    refresh()
    return client.get(path).get_data(as_text=True)


def test_pages_are_in_chinese_by_default_and_in_english_after_switching(
        compiled_catalogs, client, make):
    make.call()
    db.session.commit()  # the error page rolls the session back
    page = _page(client, "/login")
    assert '<html lang="zh-CN">' in page
    assert "登录" in page and "还没有账号？" in page and "Log in" not in page
    assert "电子邮箱" in page  # a form label: lazy_gettext in forms/
    assert "申报中" in _page(client, "/")  # a state label: lazy_gettext in a template filter
    assert "页面不存在。" in _page(client, "/no-such-page")  # gettext in a view

    response = client.post("/language/en", data={"next": "/login"})
    assert response.status_code == 302
    page = _page(client, "/login")
    assert '<html lang="en">' in page
    assert "Log in" in page and "No account yet?" in page and "登录" not in page
    assert "Email" in page
    assert "Open</span>" in _page(client, "/")
    assert "This page does not exist." in _page(client, "/no-such-page")

    client.post("/language/zh_CN")
    assert "还没有账号？" in _page(client, "/login")
