from pathlib import Path

from workflow.core.states import TRANSITIONS
from workflow.lifecycle.doc import render

DOC = Path(__file__).resolve().parents[2] / "docs" / "lifecycle.md"


def test_lifecycle_doc_matches_the_action_registry():
    assert DOC.read_text(encoding="utf-8") == render(), (
        "docs/lifecycle.md is out of date: run `make lifecycle-doc`"
    )


def test_lifecycle_doc_names_every_transition():
    text = render()
    for t in TRANSITIONS:
        assert f"{t.source.value} --> {t.target.value}: {t.action.value}" in text


def test_cli_prints_the_same_document(app):
    result = app.test_cli_runner().invoke(args=["lifecycle-doc"])
    assert result.exit_code == 0
    assert result.output == render()
