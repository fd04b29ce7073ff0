"""Reading the desk page in tests: its sections, groups, items and counts."""
import re

from workflow.core import clock


def card(html: str, role: str, key: str) -> str | None:
    """The HTML of one group of one section, or None when the desk does not show it."""
    start = html.find(f'id="{role}-{key}"')
    if start < 0:
        return None
    ends = [i for i in (html.find('<div class="card mb-3"', start), html.find("</section>", start))
            if i > 0]
    return html[start:min(ends)]


def rows(html: str, role: str, key: str) -> list[tuple[str, str, str]]:
    """(link, title, the time cell's text) of each item of a group, in the order shown."""
    found = card(html, role, key)
    assert found is not None, f"no group {role}-{key}"
    return [(link, title, re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", when)).strip())
            for link, title, when in re.findall(
                r'<tr data-item="([^"]+)">\s*<td><a href="[^"]+">([^<]+)</a>.*?'
                r'<td class="small">.*?</td>\s*<td class="small">(.*?)</td>', found, re.S)]


def count_of(html: str, role: str, key: str) -> int:
    return int(re.search(rf'id="{role}-{key}" data-group="\w+" data-count="(\d+)"',
                         html).group(1))


def section(html: str, role: str) -> str:
    start = html.index(f'id="desk-{role}"')
    return html[start:html.index("</section>", start)]


def beijing(moment) -> str:
    return clock.local(moment).strftime("%Y-%m-%d %H:%M")


def desk(client) -> str:
    response = client.get("/desk")
    assert response.status_code == 200
    return response.get_data(as_text=True)
