"""The archives' chart of posts per month, drawn at build time as inline SVG: no script,
no style attribute (colours come from the stylesheet's classes), and a text equivalent."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from html import escape

from builder.content import french
from builder.content.typography import NNBSP

HEIGHT = 96  # of the tallest bar
TOP = 18  # room for the count above a bar
BOTTOM = 36  # room for the month's initial and the year below the bars
WIDTH = 640  # natural width the months share, within the steps below
STEP_MIN, STEP_MAX = 12, 56
MONTH_INITIALS_UP_TO = 36  # months; beyond, initials would touch: years only
YEAR_LABEL_WIDTH = 40  # a year is labelled where its months leave it this much room
TITLE = "Articles publiés par mois"
TITLE_ID, DESCRIPTION_ID = "graphique-titre", "graphique-description"


def month_range(first: tuple[int, int], last: tuple[int, int]) -> list[tuple[int, int]]:
    """Give every (year, month) from `first` to `last`, both included."""
    months, (year, month) = [], first
    while (year, month) <= last:
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def posts_per_month(counts: Sequence[tuple[int, int, int]]) -> str:
    """Give an SVG bar chart of (year, month, posts) counts, every month from the first to the
    last shown (empty ones too), named by a title and described month by month; "" when empty."""
    by_month = {(year, month): count for year, month, count in counts if count > 0}
    if not by_month:
        return ""
    months = month_range(min(by_month), max(by_month))
    step = max(STEP_MIN, min(STEP_MAX, WIDTH // len(months)))
    bar = max(4, step * 2 // 3)
    width, height = step * len(months), TOP + HEIGHT + BOTTOM
    tallest = max(by_month.values())
    shown_in_year = Counter(year for year, _ in months)
    described = ", ".join(f"{french.month_name(*key)}{NNBSP}: {french.plural(by_month.get(key, 0), 'article')}"
                          for key in months)
    parts = [
        f'<svg class="chart" role="img" aria-labelledby="{TITLE_ID} {DESCRIPTION_ID}" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{TITLE_ID}">{TITLE}</title>',
        f'<desc id="{DESCRIPTION_ID}">{escape(described)}.</desc>',
        f'<line class="chart-axis" x1="0" y1="{TOP + HEIGHT}" x2="{width}" y2="{TOP + HEIGHT}"/>',
    ]
    for index, (year, month) in enumerate(months):
        count = by_month.get((year, month), 0)
        left = index * step + (step - bar) // 2
        middle = index * step + step // 2
        if count:
            tall = max(2, round(HEIGHT * count / tallest))
            parts.append(f'<rect class="chart-bar" x="{left}" y="{TOP + HEIGHT - tall}" width="{bar}" height="{tall}"/>')
            parts.append(f'<text class="chart-count" x="{middle}" y="{TOP + HEIGHT - tall - 4}" text-anchor="middle">{count}</text>')
        if len(months) <= MONTH_INITIALS_UP_TO:
            initial = french.MONTHS[month - 1][0].upper()
            parts.append(f'<text class="chart-label" x="{middle}" y="{TOP + HEIGHT + 14}" text-anchor="middle">{initial}</text>')
        if index and month == 1:  # a tick between two years
            parts.append(f'<line class="chart-axis" x1="{index * step}" y1="{TOP + HEIGHT}" x2="{index * step}" y2="{height}"/>')
        if (index == 0 or month == 1) and shown_in_year[year] * step >= YEAR_LABEL_WIDTH:
            parts.append(f'<text class="chart-label" x="{index * step + 2}" y="{height - 4}">{year}</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
