"""Scheduled posts: what a build published, as the site serves it, and which posts came due since.

A post dated in the future is left out until its date; then a build must run. `blog build`
writes `/schedule.json`, the date of the newest post it published, and `blog due` compares the
deployed site's file with the posts: any post (drafts aside) dated after it and no later than now
came due since that build. The file gives only a date the site shows already (the newest post's
page shows it), never a post still to come, nor the moment of the build: the same sources and
`now` give the same bytes.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from urllib.request import urlopen
from zoneinfo import ZoneInfo

from builder.content.load import Dated
from builder.core import urls
from builder.core.model import Config, Page, Post

SCHEDULE = "/schedule.json"
KEY = "newest_post"
MAX_BYTES = 4096  # the file holds one date: anything longer is not one of ours


def schedule_file(posts: tuple[Post, ...]) -> Page:
    """Give `/schedule.json`: the date of the newest post a build published, or null."""
    newest = max((post.date for post in posts), default=None)
    text = json.dumps({KEY: newest.isoformat() if newest else None}) + "\n"
    return Page(SCHEDULE, urls.output_path(SCHEDULE), text.encode("utf-8"), "schedule")


def read_schedule(data: bytes) -> datetime | None:
    """Give the newest post's date that a `/schedule.json` names (None: it had no post);
    raise ValueError when the bytes are not such a file."""
    if len(data) > MAX_BYTES:
        raise ValueError(f"longer than {MAX_BYTES} bytes")
    record = json.loads(data.decode("utf-8"))
    if not isinstance(record, dict) or KEY not in record:
        raise ValueError(f"no {KEY!r} field")
    value = record[KEY]
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"{KEY!r} is not a date")
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:  # a build writes the offset: without one, it is not a build's
        raise ValueError(f"{KEY!r} has no UTC offset")
    return moment


def came_due(posts: list[Dated], since: datetime | None, now: datetime) -> list[Dated]:
    """Give the posts, drafts aside, dated after `since` (None: ever) and no later than `now`,
    oldest first: those a build now publishes that the build of `since` left out."""
    due = [post for post in posts if not post.draft and post.date <= now and (since is None or post.date > since)]
    return sorted(due, key=lambda post: (post.date, str(post.source)))


def in_site_zone(moment: datetime, config: Config) -> datetime:
    """Give `moment` with an offset: one without is read in the site's timezone, as a build reads it."""
    return moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo(config.timezone))


def deployed_since(where: str) -> tuple[datetime | None, str]:
    """Give the newest post's date that the deployed `/schedule.json` at `where` (an http(s)
    address or a file) names (None: it had no post) and ""; or None and why it cannot be read."""
    try:
        if where.startswith(("https://", "http://")):
            with urlopen(where, timeout=30) as response:  # only these schemes: never file: or ftp:
                data = response.read(MAX_BYTES + 1)
        else:
            with Path(where).open("rb") as file:
                data = file.read(MAX_BYTES + 1)
    except (OSError, ValueError) as error:  # HTTP and network errors are OSErrors too
        return None, f"cannot read {where}: {error}"
    try:
        return read_schedule(data), ""
    except (ValueError, UnicodeDecodeError) as error:
        return None, f"{where} is not a schedule a build wrote: {error}"


def next_due(posts: list[Dated], now: datetime) -> Dated | None:
    """Give the next post, drafts aside, dated after `now`, if any."""
    waiting = [post for post in posts if not post.draft and post.date > now]
    return min(waiting, key=lambda post: (post.date, str(post.source)), default=None)
