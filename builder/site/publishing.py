"""When posts are published: the build's moment, the posts it leaves out, and how long what
it publishes stays the same."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from builder.core.model import Config, Post
from builder.core.report import BuildOptions


def moment(now: datetime | None, config: Config) -> datetime:
    """Give the build's 'now': the one given (read in the site's timezone when it has no
    offset), or the clock."""
    zone = ZoneInfo(config.timezone)
    if now is None:
        return datetime.now(zone)
    return now if now.tzinfo else now.replace(tzinfo=zone)


def left_out(posts: tuple[Post, ...], now: datetime, options: BuildOptions) -> tuple[int, int]:
    """Give how many posts a build leaves out as drafts, and how many others as dated after `now`."""
    drafts = sum(post.draft for post in posts) if not options.drafts else 0
    future = 0 if options.future else sum(post.date > now and not (post.draft and not options.drafts) for post in posts)
    return drafts, future


def next_due(posts: tuple[Post, ...], now: datetime, options: BuildOptions) -> datetime | None:
    """Give the date of the first post a build leaves out as dated after `now`, if any (as
    `left_out` counts them: none with --future, drafts only with --drafts)."""
    if options.future:
        return None
    return min((post.date for post in posts if post.date > now and (options.drafts or not post.draft)), default=None)


def unchanged_window(posts: tuple[Post, ...], options: BuildOptions, config: Config) -> tuple[str | None, str | None]:
    """Give the moments (ISO) between which a build writes what a build now writes: the date of
    the newest post already due, and of the next one. Before the first, that post is in the
    future again; from the second on, the next one is due: published, or no longer marked as
    scheduled (with --future)."""
    now = moment(options.now, config)
    dates = [post.date for post in posts if options.drafts or not post.draft]
    due = max((date for date in dates if date <= now), default=None)
    waiting = min((date for date in dates if date > now), default=None)
    return (due.isoformat() if due else None), (waiting.isoformat() if waiting else None)
