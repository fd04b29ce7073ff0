"""The (URL, role) table of the decision documents: every route they add, asked in
tests/decisions/test_access.py as every role of its world."""
ROUTES = {
    ("notices.decision_download", "GET"),
}
