"""French wording of dates and counts, for texts readers see: a number and what it counts
are joined by a no-break space, so that a line never ends between them."""

from __future__ import annotations

from datetime import datetime

from builder.content.typography import NBSP

MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet",
          "août", "septembre", "octobre", "novembre", "décembre")


def long_date(moment: datetime) -> str:
    """Give a date as French prose: "28 février 2021", "1er mars 2021"."""
    day = "1er" if moment.day == 1 else str(moment.day)
    return f"{day}{NBSP}{MONTHS[moment.month - 1]} {moment.year}"


def month_name(year: int, month: int) -> str:
    """Give a month of a year: "février 2021"."""
    return f"{MONTHS[month - 1]} {year}"


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """Give a count with its noun agreed: "1 article", "2 articles" (0 is singular in French)."""
    noun = singular if count < 2 else (plural_form or singular + "s")
    return f"{count}{NBSP}{noun}"


def reading_time(minutes: int) -> str:
    """Give a reading time: "4 min de lecture"."""
    return f"{minutes}{NBSP}min de lecture"


def tag_heading(name: str) -> str:
    """Give the heading of a tag's page and feed: "Mot-clé « CNIL »"."""
    return f"Mot-clé « {name} »"
