"""Every page names its icon, and the server serves it."""
import re


def test_pages_link_an_icon_that_is_served(client):
    html = client.get("/").get_data(as_text=True)
    icons = re.findall(r'<link rel="icon" href="([^"]+)" (?:sizes="32x32" )?type="([^"]+)"', html)
    assert [kind for _href, kind in icons] == ["image/svg+xml", "image/png"]
    for href, kind in icons:
        response = client.get(href)
        assert response.status_code == 200 and response.mimetype == kind
        assert response.data.startswith(b"<svg" if kind == "image/svg+xml" else b"\x89PNG")
