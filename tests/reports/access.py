"""The (URL, role) table of the annual reports' pages: every route of the blueprint
`reports`, asked in tests/reports/test_access.py as every role of its world."""
ROUTES = {
    ("reports.rounds_index", "GET"),
    ("reports.open_round", "POST"),
    ("reports.round_page", "GET"),
    ("reports.mine", "GET"),
    ("reports.city", "GET"),
    ("reports.detail", "GET"),
    ("reports.edit", "GET"),
    ("reports.save", "POST"),
    ("reports.upload", "POST"),
    ("reports.attachment", "GET"),
    ("reports.remove_attachment", "POST"),
    ("reports.decide", "POST"),
}
