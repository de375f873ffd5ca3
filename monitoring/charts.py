"""Charts drawn on the server as SVG, from a dashboard figure's table (no script, no CDN).

Each chart carries a title and a short description for screen readers, and the page
shows the figure's table right after it: the table is the chart's text alternative.
"""

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .dashboard import Figure

PALETTE = ["#1f5fa8", "#e08a1e", "#2e8b57", "#b23b3b", "#7a4fa3", "#5f7480"]
WIDTH, LABEL, ROW, PAD = 720, 220, 24, 8


def _series(figure: Figure) -> list[int]:
    """The columns drawn: the numeric ones, without the total."""
    if figure.series:
        return list(figure.series)
    total = _("Tổng")
    return [i for i, name in enumerate(figure.columns) if i > 0 and name != total
            and any(isinstance(r[i], int | float) and not isinstance(r[i], bool)
                    for r in figure.rows)]


def chart_svg(figure: Figure) -> SafeString:
    if not figure.rows or figure.chart not in ("bar", "grouped", "line"):
        return mark_safe("")
    series = _series(figure)
    if not series:
        return mark_safe("")
    body = _line(figure, series) if figure.chart == "line" else _bars(figure, series)
    height = body[0]
    legend = _legend(figure, series, height)
    desc = _("Biểu đồ %(title)s; số liệu đầy đủ ở bảng ngay dưới.") % {"title": figure.title}
    return mark_safe(
        f'<svg class="chart" role="img" viewBox="0 0 {WIDTH} {height + 30}" '
        f'aria-labelledby="chart-{figure.key}-t chart-{figure.key}-d" '
        f'data-chart="{figure.key}" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="chart-{figure.key}-t">{escape(figure.title)}</title>'
        f'<desc id="chart-{figure.key}-d">{escape(desc)}</desc>{body[1]}{legend}</svg>'
    )


def _value(cell: object) -> float:
    return float(cell) if isinstance(cell, int | float) and not isinstance(cell, bool) else 0.0


def _bars(figure: Figure, series: list[int]) -> tuple[int, str]:
    """Horizontal bars, one per row: stacked series ("bar") or side by side ("grouped")."""
    grouped = figure.chart == "grouped"
    rows = figure.rows[:30]
    sums = [max(_value(r[i]) for i in series) if grouped else sum(_value(r[i]) for i in series)
            for r in rows]
    top = max(sums) or 1.0
    span = WIDTH - LABEL - 60
    per_row = ROW * (len(series) if grouped else 1)
    parts = []
    for index, row in enumerate(rows):
        y = PAD + index * (per_row + 6)
        parts.append(f'<text x="{LABEL - 6}" y="{y + per_row / 2 + 4:.0f}" text-anchor="end" '
                     f'class="chart__label">{escape(str(row[0])[:34])}</text>')
        x = float(LABEL)
        for position, column in enumerate(series):
            width = span * _value(row[column]) / top
            bar_y = y + (position * ROW if grouped else 0)
            colour = PALETTE[position % len(PALETTE)]
            parts.append(f'<rect x="{x if not grouped else LABEL:.1f}" y="{bar_y}" '
                         f'width="{width:.1f}" height="{ROW - 4}" fill="{colour}">'
                         f'<title>{escape(figure.columns[column])}: {escape(str(row[column]))}'
                         '</title></rect>')
            if grouped:
                parts.append(f'<text x="{LABEL + width + 4:.1f}" y="{bar_y + ROW - 8}" '
                             f'class="chart__value">{escape(str(row[column]))}</text>')
            else:
                x += width
        if not grouped:
            parts.append(f'<text x="{x + 4:.1f}" y="{y + ROW - 8}" class="chart__value">'
                         f'{sums[index]:g}</text>')
    return PAD + len(rows) * (per_row + 6), "".join(parts)


def _line(figure: Figure, series: list[int]) -> tuple[int, str]:
    """One line per series over the rows (weeks)."""
    height, left, right = 220, 50, WIDTH - 20
    rows = figure.rows
    top = max((_value(r[i]) for r in rows for i in series), default=0) or 1.0
    step = (right - left) / max(1, len(rows) - 1)
    parts = [f'<line x1="{left}" y1="{height}" x2="{right}" y2="{height}" class="chart__axis"/>',
             f'<text x="{left - 6}" y="{PAD + 8}" text-anchor="end" class="chart__value">'
             f'{top:g}</text>',
             f'<text x="{left - 6}" y="{height}" text-anchor="end" class="chart__value">0</text>']
    for position, column in enumerate(series):
        points = " ".join(
            f"{left + k * step:.1f},{height - (height - PAD) * _value(r[column]) / top:.1f}"
            for k, r in enumerate(rows)
        )
        colour = PALETTE[position % len(PALETTE)]
        parts.append(f'<polyline points="{points}" fill="none" stroke="{colour}" '
                     'stroke-width="2"/>')
    for k in (0, len(rows) - 1):
        parts.append(f'<text x="{left + k * step:.1f}" y="{height + 14}" text-anchor="middle" '
                     f'class="chart__label">{escape(str(rows[k][0]))}</text>')
    return height + 18, "".join(parts)


def _legend(figure: Figure, series: list[int], y: int) -> str:
    parts, x = [], LABEL if figure.chart != "line" else 50
    for position, column in enumerate(series):
        name = escape(figure.columns[column])
        colour = PALETTE[position % len(PALETTE)]
        parts.append(f'<rect x="{x}" y="{y + 8}" width="10" height="10" fill="{colour}"/>'
                     f'<text x="{x + 14}" y="{y + 17}" class="chart__legend">{name}</text>')
        x += 24 + 7 * len(figure.columns[column])
    return "".join(parts)
