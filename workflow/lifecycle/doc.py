"""docs/lifecycle.md, rendered from the transition table; a test fails when the file drifts."""
from workflow.core.states import CALL_TRANSITIONS, FINAL_STATES, TRANSITIONS, AppState

HEADER = """# Lifecycle

Generated from `workflow/core/states.py` by `make lifecycle-doc` (`flask --app wsgi lifecycle-doc`).
Do not edit by hand: `tests/test_lifecycle_doc.py` fails when this file and the code differ.
"""


def render() -> str:
    lines = [HEADER, "## Application", "", "```mermaid", "stateDiagram-v2",
             f"    [*] --> {AppState.DRAFT.value}"]
    for t in TRANSITIONS:
        comment = ", reasons" if t.needs_comment else ""
        lines.append(f"    {t.source.value} --> {t.target.value}: {t.action.value} "
                     f"({t.role.value}{comment})")
    for state in sorted(FINAL_STATES, key=list(AppState).index):
        lines.append(f"    {state.value} --> [*]")
    lines += ["```", "", "| from | action | to | actor | reasons required |",
              "|---|---|---|---|---|"]
    for t in TRANSITIONS:
        lines.append(f"| {t.source.value} | {t.action.value} | {t.target.value} | "
                     f"{t.role.value} | {'yes' if t.needs_comment else ''} |")
    lines += ["", "## Call", "", "```mermaid", "stateDiagram-v2", "    [*] --> planned"]
    for source, target in CALL_TRANSITIONS.items():
        lines.append(f"    {source.value} --> {target.value}")
    lines += ["    archived --> [*]", "```", ""]
    return "\n".join(lines)
