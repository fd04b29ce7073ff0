"""The (URL, role) table of the centers' pages: every route of the blueprint `centers`,
asked in tests/centers/test_access.py as every role of its world."""
ROUTES = {
    ("centers.index", "GET"),
    ("centers.detail", "GET"),
    ("centers.change_page", "GET"),
    ("centers.request_change", "POST"),
    ("centers.queue", "GET"),
    ("centers.change_detail", "GET"),
    ("centers.decide", "POST"),
    ("centers.change_document", "GET"),
    ("centers.revoke_page", "GET"),
    ("centers.revoke", "POST"),
}
