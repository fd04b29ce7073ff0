"""docs/lifecycle.md, rendered from the action registry; a test fails when the file drifts."""
from workflow.core.states import CALL_TRANSITIONS, TRANSITIONS, AppState
from workflow.lifecycle.registry import final_states

HEADER = """# Lifecycle

Generated from the action registry (`workflow/<feature>/actions.py`) by `make lifecycle-doc`
(`flask --app wsgi lifecycle-doc`).
Do not edit by hand: `tests/lifecycle/test_lifecycle_doc.py` fails when this file and the code
differ.
"""


def _steps():
    """The registry's transitions in the order of the lifecycle's states."""
    return sorted(TRANSITIONS, key=lambda t: list(AppState).index(t.source))


def render() -> str:
    lines = [HEADER, "## Application", "", "```mermaid", "stateDiagram-v2",
             f"    [*] --> {AppState.DRAFT.value}"]
    for t in _steps():
        comment = ", reasons" if t.needs_comment else ""
        lines.append(f"    {t.source.value} --> {t.target.value}: {t.action.value} "
                     f"({t.role.value}{comment})")
    for state in sorted(final_states(), key=list(AppState).index):
        lines.append(f"    {state.value} --> [*]")
    lines += ["```", "", "| from | action | to | actor | reasons required |",
              "|---|---|---|---|---|"]
    for t in _steps():
        lines.append(f"| {t.source.value} | {t.action.value} | {t.target.value} | "
                     f"{t.role.value} | {'yes' if t.needs_comment else ''} |")
    lines += ["", "## Call", "", "```mermaid", "stateDiagram-v2", "    [*] --> planned"]
    for source, target in CALL_TRANSITIONS.items():
        lines.append(f"    {source.value} --> {target.value}")
    lines += ["    archived --> [*]", "```", ""]
    return "\n".join(lines)
