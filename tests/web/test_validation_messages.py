"""Every form's error messages, for wrong input in every field, in Chinese: none names a field
by its code (as WTForms' default "字段必须和 password 相等" did), and none is a default of WTForms
or Flask-WTF left in English because their catalogs do not translate it."""
import inspect
import io
import os
import re

import flask_wtf
import pytest
import wtforms
from flask_babel import force_locale
from flask_wtf.file import FileField
from werkzeug.datastructures import FileStorage, MultiDict

import forms
from forms import calls, formal_review, review
from forms.base import FlaskForm
from workflow.review.rules.rubric import DEFAULT_RUBRIC

MODULES = sorted(name for name in os.listdir(os.path.dirname(forms.__file__))
                 if name.endswith(".py") and name not in ("__init__.py", "base.py",
                                                          "validators.py"))
SETTINGS = {"k": 5, "max_load": 5, "same_city_conflict": True, "expert_max_age": 65,
            "aggregation": "trimmed", "trim_from": 5, "alarm_range": 20, "alarm_stdev": 8,
            "weights": {}, "tie_breaks": []}
CJK = re.compile(r"[\u4e00-\u9fff]")
CHECKLIST = [type("Item", (), {"code": "licence", "label": "营业执照"})()]
# Wrong in every way a field can be: missing, too long, not a number or a date, not a
# choice, control characters, markup, a file that is not a PDF.
WRONG = ["", "x" * 100_001, "abc", "2024-13-45", "\x01<b>&amp;</b>", "-5", "99999999999"]


def _form_classes() -> list:
    classes = []
    for name in MODULES:
        module = __import__(f"forms.{name[:-3]}", fromlist=["_"])
        classes += [c for _n, c in inspect.getmembers(module, inspect.isclass)
                    if issubclass(c, FlaskForm) and c.__module__ == module.__name__
                    and not c.__name__.startswith("_") and not _needs_arguments(c)]
    return classes


def _needs_arguments(form_class) -> bool:
    """A form built from data (forms/form_fields.py SectionForm, whose messages
    tests/application_forms checks in both languages) cannot be made without it."""
    return any(p.default is p.empty and p.kind is p.POSITIONAL_OR_KEYWORD
               for p in list(inspect.signature(form_class.__init__).parameters.values())[1:])


# Forms their views complete before validating them.
PREPARE = {"BulkActionForm": lambda form: form.offer({"recommend": "推荐"})}
BUILDERS = [
    lambda formdata: formal_review.checklist_form(CHECKLIST, {}, formdata),
    lambda formdata: calls.eligibility_form([], formdata),
    lambda formdata: review.review_settings_form(SETTINGS, DEFAULT_RUBRIC, formdata),
    lambda formdata: review.rubric_form(DEFAULT_RUBRIC, formdata),
    lambda formdata: review.score_sheet_form(DEFAULT_RUBRIC, None, formdata),
]


def _fields(form) -> list:
    """The fields of `form`, with the rows of its lists of sub-forms."""
    found = []
    for field in form:
        if isinstance(field, wtforms.FieldList) and not field.entries:
            field.append_entry()
        found += _fields(field) if isinstance(field, wtforms.FormField | wtforms.FieldList) \
            else [field]
    return found


def _names(form) -> set[str]:
    return {field.name for field in _fields(form)}


def _formdata(form, value: str) -> MultiDict:
    """`value` in every field of `form` (a file that is not a PDF in its file fields)."""
    data = MultiDict()
    for field in _fields(form):
        if isinstance(field, FileField):
            data.add(field.name, FileStorage(io.BytesIO(b"not a pdf" + value.encode()),
                                             filename="x.exe"))
        elif value:
            data.add(field.name, value)
    return data


def _all_errors(form) -> list[str]:
    found = []
    for errors in form.errors.values():
        stack = list(errors) if isinstance(errors, list) else [errors]
        while stack:
            item = stack.pop()
            if isinstance(item, dict):
                stack += list(item.values())
            elif isinstance(item, list):
                stack += item
            elif item:
                found.append(str(item))
    return found


def _library_defaults() -> list[re.Pattern]:
    """The messages WTForms and Flask-WTF write themselves, as patterns."""
    pot = open(os.path.join(os.path.dirname(wtforms.__file__), "locale", "wtforms.pot")).read()
    texts = re.findall(r'^msgid(?:_plural)? "(.+)"$', pot, re.M)
    source = open(os.path.join(os.path.dirname(flask_wtf.__file__), "file.py")).read()
    texts += re.findall(r'gettext\(\s*"([^"]+)"', source)
    return [re.compile(re.sub(r"\\%\\\(\w+\\\)\w|\\\{\w+\\\}", ".*", re.escape(t)))
            for t in texts]


def messages(app, locale: str) -> list[tuple[str, set, str]]:
    """(form, its field names, message) for every error of every form on the wrong input."""
    found = []
    with app.test_request_context(method="POST"), force_locale(locale):
        for value in WRONG:
            for form_class in _form_classes():
                form = form_class(formdata=_formdata(form_class(formdata=MultiDict()), value))
                PREPARE.get(form_class.__name__, lambda f: f)(form)
                for field in form:
                    if getattr(field, "choices", ()) is None:
                        field.choices = []
                form.validate()
                found += [(form_class.__name__, _names(form), m) for m in _all_errors(form)]
            for build in BUILDERS:
                form = build(formdata=_formdata(build(formdata=MultiDict()), value))
                form.validate()
                found += [(type(form).__name__, _names(form), m) for m in _all_errors(form)]
    return found


@pytest.fixture(scope="module")
def chinese(app):
    return messages(app, "zh_CN")


def test_no_error_message_names_a_field_by_its_code(chinese):
    named = {(form, m) for form, names, m in chinese if CJK.search(m)
             and any(re.search(rf"(?<![\w-]){re.escape(n)}(?![\w-])", m) for n in names)}
    assert not named


def test_no_library_default_is_left_in_english(chinese):
    defaults = _library_defaults()
    english = {(form, m) for form, _names, m in chinese
               if not CJK.search(m) and any(p.fullmatch(m) for p in defaults)}
    assert not english
