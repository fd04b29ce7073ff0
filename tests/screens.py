"""Shared by the tests of the screens (tests/<feature>/test_screens_*.py): a logged-in client that
reads pages in English, so assertions hold whatever the Chinese catalog says."""
import pytest
from flask_babel import refresh


@pytest.fixture(name="login")
def login_fixture(login_as):
    def in_english(user):
        client = login_as(user)
        client.post("/language/en", data={"next": "/"})
        plain_open = client.open

        def open_fresh(*args, **kwargs):
            # The test's app context outlives the requests and Flask-Babel keeps the locale
            # in g: forget it, as a new request in production would.
            refresh()
            return plain_open(*args, **kwargs)

        client.open = open_fresh
        return client
    return in_english
