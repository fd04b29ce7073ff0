"""The routes of the statistics (tests/statistics/test_access.py asks each of them as every
role of its own world)."""
ROUTES = {
    ("statistics.page", "GET"),
    ("statistics.chart_sheet", "GET"),
    ("statistics.public_centers", "GET"),
    ("statistics.public_centers_data", "GET"),
}
