"""The (URL, role) table of the task book's pages: every route of the blueprint
`task_books`, asked in tests/task_books/test_access.py as every role of its world."""
ROUTES = {
    ("task_books.index", "GET"),
    ("task_books.start", "POST"),
    ("task_books.view", "GET"),
    ("task_books.edit", "GET"),
    ("task_books.edit", "POST"),
    ("task_books.submit", "POST"),
    ("task_books.city_decision", "POST"),
    ("task_books.department_decision", "POST"),
    ("task_books.unit_sign", "POST"),
    ("task_books.sign", "POST"),
    ("task_books.download", "GET"),
}
