"""The layers of STYLE.md hold: no import cycle between modules, no import of the app's own
modules hidden inside a function, and import-linter's contracts (pyproject.toml) kept."""
import ast
import subprocess
import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[2]
OWN_PACKAGES = ("workflow", "forms")

# Imports of the app's own modules allowed inside a function, each with its reason:
# (module path, function name): reason.
ALLOWED_FUNCTION_IMPORTS: dict[tuple[str, str], str] = {
    ("workflow/cli.py", "architecture_doc_command"):
        "workflow.architecture_doc reads the import graph with grimp, a test dependency that "
        "a production install lacks: it is loaded only when the command runs",
    ("workflow/core/pdf.py", "render_pdf"):
        "workflow.core.pdf_fonts imports pikepdf and cffi: a web worker loads them with the "
        "first PDF it renders, as it loads WeasyPrint",
    ("workflow/review/rules/solver.py", "solve_optimal"):
        "workflow.review.rules.flow imports numpy and OR-Tools (about 60 MB and a second at "
        "start-up): a web worker loads them only when an assignment runs",
}


def _strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative: the components of more than one module."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_no_import_cycle_between_modules():
    graph = grimp.build_graph(*OWN_PACKAGES, exclude_type_checking_imports=True,
                             cache_dir=None)
    edges = {m: set(graph.find_modules_directly_imported_by(m)) for m in graph.modules}
    cycles = _strongly_connected(edges)
    assert not cycles, "import cycles between modules:\n" + "\n".join(
        " <-> ".join(c) for c in cycles)


def _function_imports(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    seen = set()  # an import in a nested function is reported once
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(function):
            if isinstance(node, ast.ImportFrom):
                names = ["." * node.level + (node.module or "")]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            own = any(n.startswith(".") or n.split(".")[0] in OWN_PACKAGES for n in names)
            if own and node.lineno not in seen:
                seen.add(node.lineno)
                yield function.name, node.lineno, names


def test_no_own_import_inside_a_function():
    found = []
    for path in sorted((ROOT / "workflow").rglob("*.py")):
        module = path.relative_to(ROOT).as_posix()
        for function, line, names in _function_imports(path):
            if (module, function) not in ALLOWED_FUNCTION_IMPORTS:
                found.append(f"{module}:{line} in {function}(): {', '.join(names)}")
    assert not found, ("imports of the app's own modules inside functions (import at the "
                       "top; a cycle is broken by moving code, not hidden):\n"
                       + "\n".join(found))


def test_import_linter_contracts_kept():
    lint_imports = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run([str(lint_imports), "--no-cache"], cwd=ROOT, capture_output=True,
                            text=True)
    report = result.stdout + result.stderr
    broken = [line for line in report.splitlines() if line.endswith(" BROKEN")]
    assert result.returncode == 0, ("import-linter contracts broken:\n" + "\n".join(broken)
                                    + "\n\n" + report)
