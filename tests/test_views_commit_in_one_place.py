"""Views commit in one place: workflow/web/views/unit_of_work.py (STYLE.md principle 4)."""
import ast
from pathlib import Path

WORKFLOW = Path(__file__).resolve().parent.parent / "workflow"
MECHANISM = WORKFLOW / "web" / "views" / "unit_of_work.py"


def view_modules() -> list[Path]:
    found = set(WORKFLOW.glob("*/views.py")) | set(WORKFLOW.glob("*/views/**/*.py"))
    return sorted(found - {MECHANISM})


def session_calls(path: Path, method: str) -> list[int]:
    """Lines of `path` that call `<anything>.session.<method>(...)`."""
    return [node.lineno for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr == method and isinstance(node.func.value, ast.Attribute)
            and node.func.value.attr == "session"]


def test_no_view_module_commits_but_the_unit_of_work():
    modules = view_modules()
    assert len(modules) > 20 and WORKFLOW / "web" / "views" / "once.py" in modules
    committing = {str(p.relative_to(WORKFLOW)): lines for p in modules
                  if (lines := session_calls(p, "commit"))}
    assert committing == {}, "views commit through workflow/web/views/unit_of_work.py"


def test_the_unit_of_work_is_where_the_commit_is():
    assert session_calls(MECHANISM, "commit")
