import re

from workflow.architecture_doc import DOC, package_imports, render


def test_architecture_doc_diagram_matches_the_imports_of_the_code():
    assert DOC.read_text(encoding="utf-8") == render(), (
        "docs/architecture.md is out of date: run `make architecture-doc`"
    )


def test_architecture_doc_draws_every_import_between_packages():
    text = DOC.read_text(encoding="utf-8")
    drawn = set(re.findall(r"^    (\w+) --> (\w+)$", text, re.M))
    assert drawn == {(s, t) for s, targets in package_imports().items() for t in targets}
    assert ("review", "experts") in drawn  # conflicts of experts are read by the review


def test_cli_prints_the_same_document(app):
    result = app.test_cli_runner().invoke(args=["architecture-doc"])
    assert result.exit_code == 0
    assert result.output == render()
