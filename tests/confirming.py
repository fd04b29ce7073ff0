"""Acting through a confirmation page (workflow/web/views/confirm.py), as a person does: the
first POST answers with the page, whose Confirm button sends the form back confirmed."""
import re

CONFIRMED = re.compile(r'name="confirmed" value="([0-9a-f]+)"')


def seal_in(html: str) -> str:
    found = CONFIRMED.search(html)
    assert found, "no confirmation page"
    return found.group(1)


def confirmed(client, path: str, data: dict | None = None, **kwargs):
    """POST `path`, read the confirmation page it answers with, and press Confirm."""
    page = client.post(path, data=data, **kwargs)
    assert page.status_code == 200, page.status_code
    return client.post(path, data={**(data or {}), "confirmed": seal_in(page.get_data(
        as_text=True))}, **kwargs)
