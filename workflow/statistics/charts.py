"""Charts drawn on the server as plain SVG: no script, no CDN, no style attribute (the
pages' Content-Security-Policy allows none). Each chart carries its title and a text
alternative (<title>, <desc>) and scales with its box (viewBox). Numbers in, markup out."""
import unicodedata
from dataclasses import dataclass, field

from markupsafe import Markup, escape

WIDTH = 640
BAR = "#2f6fb3"
LINE = "#d9480f"
MUTED = "#6c757d"
FONT = 'font-family="sans-serif" font-size="12"'
LABEL_WIDTH = 22  # half-widths of a label (a Chinese character is two)


@dataclass
class Chart:
    """One chart of the statistics page: its drawing, and the table of the same numbers that
    stands beside it and that its Excel download holds."""

    key: str
    title: str
    summary: str  # the text alternative: what the chart shows, in words
    headers: tuple[str, ...]
    rows: list[tuple] = field(default_factory=list)
    svg: Markup = Markup("")
    note: str = ""

    @property
    def wide(self) -> bool:
        """A table of many columns stands below its chart rather than beside it."""
        return len(self.headers) > 4


def _width(ch: str) -> int:
    """Half-widths a character takes: 2 for Chinese (and other wide) characters."""
    return 2 if unicodedata.east_asian_width(ch) in "WF" else 1


def _short(label: str) -> str:
    """`label` cut to fit the label column (LABEL_WIDTH half-widths), with "…"."""
    label, used = str(label), 0
    for i, ch in enumerate(label):
        used += _width(ch)
        if used > LABEL_WIDTH:
            return label[:max(i - 1, 1)] + "…"
    return label


def number(value) -> str:
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.2f}"
    return f"{int(value):,}"


def _frame(key: str, title: str, desc: str, height: int, body: list[str]) -> Markup:
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'class="stats-chart" aria-labelledby="{key}-svg-title {key}-svg-desc" {FONT}>'
        f'<title id="{key}-svg-title">{escape(title)}</title>'
        f'<desc id="{key}-svg-desc">{escape(desc)}</desc>' + "".join(body) + "</svg>")


def _empty(key: str, title: str, desc: str, empty: str) -> Markup:
    return _frame(key, title, desc, 40, [
        f'<text x="{WIDTH // 2}" y="24" text-anchor="middle" fill="{MUTED}">'
        f'{escape(empty)}</text>'])


def bars(key: str, title: str, desc: str, items: list[tuple[str, float]], *, empty: str,
         value_labels: list[str] | None = None) -> Markup:
    """Horizontal bars, one row per item, longest first as given; the value at the bar's end
    (or `value_labels`, e.g. "12 (40%)")."""
    if not items or not any(value for _label, value in items):
        return _empty(key, title, desc, empty)
    label_w, value_w, row_h = 150, 90, 24
    area = WIDTH - label_w - value_w
    top = max(value for _label, value in items) or 1
    body = []
    for i, (label, value) in enumerate(items):
        y = 6 + i * row_h
        width = round(area * value / top, 1) if value > 0 else 0
        shown = value_labels[i] if value_labels else number(value)
        body.append(
            f'<g><title>{escape(label)}: {escape(shown)}</title>'
            f'<text x="{label_w - 8}" y="{y + 16}" text-anchor="end">{escape(_short(label))}'
            f'</text><rect x="{label_w}" y="{y + 4}" width="{width}" height="16" fill="{BAR}"/>'
            f'<text x="{label_w + width + 6}" y="{y + 16}">{escape(shown)}</text></g>')
    return _frame(key, title, desc, 12 + len(items) * row_h, body)


def columns_with_line(key: str, title: str, desc: str, items: list[tuple[str, float, float]],
                      *, bar_label: str, line_label: str, empty: str) -> Markup:
    """A column per item (label, value) and a line through the running totals (the third
    value), both on one scale, with a legend."""
    if not items:
        return _empty(key, title, desc, empty)
    left, right, top, bottom, height = 48, 16, 34, 44, 280
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    peak = max(max(value, total) for _l, value, total in items) or 1
    slot = plot_w / len(items)

    def y_of(value):
        return round(top + plot_h - plot_h * value / peak, 1)

    body = [f'<line x1="{left}" y1="{top + plot_h}" x2="{WIDTH - right}" y2="{top + plot_h}" '
            f'stroke="{MUTED}"/>',
            f'<rect x="{WIDTH - 290}" y="6" width="12" height="12" fill="{BAR}"/>'
            f'<text x="{WIDTH - 273}" y="16">{escape(bar_label)}</text>'
            f'<line x1="{WIDTH - 150}" y1="12" x2="{WIDTH - 130}" y2="12" stroke="{LINE}" '
            f'stroke-width="2"/><text x="{WIDTH - 124}" y="16">{escape(line_label)}</text>']
    points = []
    for i, (label, value, total) in enumerate(items):
        center = left + slot * i + slot / 2
        width = min(slot * 0.6, 60)
        y = y_of(value)
        body.append(
            f'<g><title>{escape(label)}: {number(value)} / {number(total)}</title>'
            f'<rect x="{round(center - width / 2, 1)}" y="{y}" width="{round(width, 1)}" '
            f'height="{round(top + plot_h - y, 1)}" fill="{BAR}"/>'
            f'<text x="{round(center, 1)}" y="{round(y - 4, 1)}" text-anchor="middle">'
            f'{number(value)}</text>'
            f'<text x="{round(center, 1)}" y="{top + plot_h + 18}" text-anchor="middle">'
            f'{escape(_short(label))}</text></g>')
        points.append((round(center, 1), y_of(total)))
    body.append(f'<polyline fill="none" stroke="{LINE}" stroke-width="2" points="'
                + " ".join(f"{x},{y}" for x, y in points) + '"/>')
    body.extend(f'<circle cx="{x}" cy="{y}" r="3.5" fill="{LINE}"/>' for x, y in points)
    return _frame(key, title, desc, height, body)


def diverging_bars(key: str, title: str, desc: str, items: list[tuple[str, float | None]], *,
                   empty: str, suffix: str = "%") -> Markup:
    """Horizontal bars left (negative) or right (positive) of a zero line: a change per item.
    An item without a value (None: nothing to compare with) shows a dash."""
    if not any(value is not None for _label, value in items):
        return _empty(key, title, desc, empty)
    label_w, row_h = 190, 24
    half = (WIDTH - label_w - 20) / 2
    zero = label_w + half
    top = max(abs(value) for _label, value in items if value is not None) or 1
    body = [f'<line x1="{zero}" y1="2" x2="{zero}" y2="{10 + len(items) * row_h}" '
            f'stroke="{MUTED}"/>']
    for i, (label, value) in enumerate(items):
        y = 6 + i * row_h
        shown = "—" if value is None else f"{value:+,.1f}{suffix}"
        body.append(f'<g><title>{escape(label)}: {escape(shown)}</title>'
                    f'<text x="{label_w - 8}" y="{y + 16}" text-anchor="end">'
                    f'{escape(_short(label))}</text>')
        if value is None:
            body.append(f'<text x="{zero + 6}" y="{y + 16}" fill="{MUTED}">—</text></g>')
            continue
        width = round((half - 50) * abs(value) / top, 1)
        x = zero if value >= 0 else zero - width
        colour = BAR if value >= 0 else LINE
        text_x = zero + width + 4 if value >= 0 else zero - width - 4
        anchor = "start" if value >= 0 else "end"
        body.append(f'<rect x="{round(x, 1)}" y="{y + 4}" width="{width}" height="16" '
                    f'fill="{colour}"/><text x="{round(text_x, 1)}" y="{y + 16}" '
                    f'text-anchor="{anchor}">{escape(shown)}</text></g>')
    return _frame(key, title, desc, 12 + len(items) * row_h, body)
