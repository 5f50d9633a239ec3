"""French wording of dates and counts, for texts readers see."""

from __future__ import annotations

from datetime import datetime

MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet",
          "août", "septembre", "octobre", "novembre", "décembre")


def long_date(moment: datetime) -> str:
    """Give a date as French prose: "28 février 2021", "1er mars 2021"."""
    day = "1er" if moment.day == 1 else str(moment.day)
    return f"{day} {MONTHS[moment.month - 1]} {moment.year}"


def month_name(year: int, month: int) -> str:
    """Give a month of a year: "février 2021"."""
    return f"{MONTHS[month - 1]} {year}"


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """Give a count with its noun agreed: "1 article", "2 articles" (0 is singular in French)."""
    noun = singular if count < 2 else (plural_form or singular + "s")
    return f"{count} {noun}"


def tag_heading(name: str) -> str:
    """Give the heading of a tag's page and feed: "Mot-clé « CNIL »"."""
    return f"Mot-clé « {name} »"
