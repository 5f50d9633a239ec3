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

from builder import urls
from builder.model import Page, Post

SCHEDULE = "/schedule.json"
KEY = "newest_post"


def schedule_file(posts: tuple[Post, ...]) -> Page:
    """Give `/schedule.json`: the date of the newest post a build published, or null."""
    newest = max((post.date for post in posts), default=None)
    text = json.dumps({KEY: newest.isoformat() if newest else None}) + "\n"
    return Page(SCHEDULE, urls.output_path(SCHEDULE), text.encode("utf-8"), "schedule")
