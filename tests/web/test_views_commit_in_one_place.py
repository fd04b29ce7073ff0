"""Views commit in one place: workflow/web/views/unit_of_work.py (STYLE.md principle 4)."""
import ast
from pathlib import Path

WORKFLOW = Path(__file__).resolve().parents[2] / "workflow"
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


# The web mechanisms that end a request's work themselves (once-only forms, kept forms, bulk
# actions) may use the unit of work's `commit()`; a feature's views never do.
MECHANISMS = {"web/views/once.py", "web/views/kept_forms.py", "web/views/bulk.py",
              "web/views/errors.py"}  # an error page rolls back what failed


def helper_calls(path: Path, name: str) -> list[int]:
    """Lines of `path` that call the bare function `name(...)`."""
    return [node.lineno for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
            and node.func.id == name]


def test_feature_views_commit_and_roll_back_only_through_the_unit_of_work():
    features = [p for p in view_modules()
                if str(p.relative_to(WORKFLOW)) not in MECHANISMS]
    assert len(features) > 20
    found = {str(p.relative_to(WORKFLOW)): lines for p in features
             if (lines := helper_calls(p, "commit") + session_calls(p, "rollback"))}
    assert found == {}, "a view runs its operation in `with unit_of_work()` or `created()`"
