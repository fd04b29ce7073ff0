"""The (URL, role) table of the application books' pages: every route of the blueprint
`books`, asked in tests/intake/test_application_book.py as each role of its world."""
ROUTES = {
    ("books.download", "GET"),
    ("books.verify", "GET"),
    ("books.verify", "POST"),
}
