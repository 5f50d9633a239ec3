"""Pure functions that arrange posts: order, neighbours, related posts, tags, topics,
archives and pagination. Every order is explicit, so output never depends on file order."""

from __future__ import annotations

import heapq
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Hashable
from dataclasses import dataclass
from datetime import datetime
from itertools import chain, combinations, groupby
from operator import attrgetter

from builder.content.french import tag_heading
from builder.content.typography import typeset
from builder.core.model import Channel, Config, Post, Tag, Topic
from builder.core.urls import HOME, month_url, paginated, tag_url, topic_url, year_url

RELATED_COUNT = 3


@dataclass(frozen=True, slots=True)
class PageOfPosts:
    """One page of a paginated listing."""

    number: int
    count: int  # how many pages the listing has
    posts: tuple[Post, ...]
    base: str  # URL of the listing's first page
    total: int  # how many posts the whole listing has
    latest: datetime | None  # the date of the listing's newest post: adding one shifts every page

    @property
    def url(self) -> str:
        """Give this page's URL."""
        return paginated(self.base, self.number)

    def url_of(self, number: int) -> str:
        """Give the URL of page `number` of the same listing."""
        return paginated(self.base, number)

    @property
    def previous_url(self) -> str | None:
        """Give the URL of the page of newer posts, if any."""
        return self.url_of(self.number - 1) if self.number > 1 else None

    @property
    def next_url(self) -> str | None:
        """Give the URL of the page of older posts, if any."""
        return self.url_of(self.number + 1) if self.number < self.count else None

    def window(self, around: int = 2) -> tuple[int | None, ...]:
        """Give the page numbers to show: first, last and those near this one; None marks a gap."""
        shown = sorted({1, self.count, *range(max(1, self.number - around), min(self.count, self.number + around) + 1)})
        numbers: list[int | None] = []
        for number in shown:
            if numbers and number - numbers[-1] > 1:
                numbers.append(None)
            numbers.append(number)
        return tuple(numbers)


@dataclass(frozen=True, slots=True)
class TagGroup:
    """A tag and its posts, newest first."""

    tag: Tag
    posts: tuple[Post, ...]

    @property
    def url(self) -> str:
        """Give the tag page's URL."""
        return tag_url(self.tag.slug)


@dataclass(frozen=True, slots=True)
class TopicGroup:
    """A topic and its posts, newest first."""

    topic: Topic
    posts: tuple[Post, ...]

    @property
    def url(self) -> str:
        """Give the topic page's URL."""
        return topic_url(self.topic.slug)


@dataclass(frozen=True, slots=True)
class Month:
    """A month of the archives and its posts, newest first."""

    year: int
    month: int
    posts: tuple[Post, ...]

    @property
    def url(self) -> str:
        """Give the month page's URL."""
        return month_url(self.year, self.month)


@dataclass(frozen=True, slots=True)
class Year:
    """A year of the archives, with its months newest first."""

    year: int
    months: tuple[Month, ...]

    @property
    def posts(self) -> tuple[Post, ...]:
        """Give the year's posts, newest first."""
        return tuple(post for month in self.months for post in month.posts)

    @property
    def url(self) -> str:
        """Give the year page's URL."""
        return year_url(self.year)


@dataclass(frozen=True, slots=True)
class Neighbours:
    """What to show at the end of a post: the posts around it and those like it."""

    older: Post | None
    newer: Post | None
    related: tuple[Post, ...]


@dataclass(frozen=True, slots=True)
class SiteIndex:
    """Everything the pages need to know about how posts relate."""

    posts: tuple[Post, ...]  # newest first
    tags: tuple[TagGroup, ...]  # by slug
    topics: tuple[TopicGroup, ...]  # in the config's order
    years: tuple[Year, ...]  # newest first
    neighbours: dict[str, Neighbours]  # by post URL
    channels: dict[str, Channel]  # by listing URL: the whole site's, then each tag's, then each topic's


def newest_first(posts: tuple[Post, ...] | list[Post]) -> tuple[Post, ...]:
    """Order posts newest first; posts of the same instant by slug, so the order is total."""
    return tuple(sorted(posts, key=attrgetter("date", "slug"), reverse=True))


def published(posts: tuple[Post, ...], now: datetime, drafts: bool = False, future: bool = False) -> tuple[Post, ...]:
    """Keep the posts a build publishes: drafts and posts dated after `now` only when asked."""
    return tuple(post for post in posts if (drafts or not post.draft) and (future or post.date <= now))


# Gives, for each post's tag slugs (newest first), the positions of its related posts: a pure
# function of that shape alone, so that a build may take it from an earlier build's record.
RelatedFinder = Callable[[tuple[tuple[str, ...], ...]], tuple[tuple[int, ...], ...]]


def build_index(posts: tuple[Post, ...], config: Config, related: RelatedFinder | None = None) -> SiteIndex:
    """Arrange the published posts into every grouping the site shows; `related` finds the
    related posts (by default `related_positions`)."""
    ordered = newest_first(posts)
    tags = group_by_tag(ordered)
    topics = group_by_topic(ordered, config.topics)
    return SiteIndex(
        posts=ordered,
        tags=tags,
        topics=topics,
        years=archive(ordered),
        neighbours=neighbours(ordered, related),
        channels=feed_channels(ordered, tags, topics, config),
    )


def feed_channels(ordered: tuple[Post, ...], tags: tuple[TagGroup, ...], topics: tuple[TopicGroup, ...],
                  config: Config) -> dict[str, Channel]:
    """Give the feeds by listing URL: the whole site's, each tag's and each topic's, with
    their newest posts. A feed is titled by the site's name, as typed (as the pages' header
    shows it), and its listing's heading, set in French typography (as the listing's h1)."""
    newest = config.feed_length
    site = config.title
    channels = (
        Channel(HOME, site, config.description, ordered[:newest]),
        *(Channel(group.url, f"{site} · {typeset(tag_heading(group.tag.name))}",
                  f"Les articles de {site} sur {group.tag.name}.", group.posts[:newest]) for group in tags),
        *(Channel(group.url, f"{site} · {typeset(group.topic.title)}", group.topic.description, group.posts[:newest])
          for group in topics),
    )
    return {channel.page: channel for channel in channels}


def group_by_topic(ordered: tuple[Post, ...], topics: tuple[Topic, ...]) -> tuple[TopicGroup, ...]:
    """Group posts (newest first) by topic, topics in the order given."""
    by_slug: dict[str, list[Post]] = defaultdict(list)
    for post in ordered:
        by_slug[post.topic.slug].append(post)
    return tuple(TopicGroup(topic, tuple(by_slug.get(topic.slug, ()))) for topic in topics)


def group_by_tag(ordered: tuple[Post, ...]) -> tuple[TagGroup, ...]:
    """Group posts (newest first) by tag, tags ordered by slug."""
    by_slug: dict[str, list[Post]] = defaultdict(list)
    names: dict[str, Tag] = {}
    for post in ordered:
        for tag in post.tags:
            by_slug[tag.slug].append(post)
            names.setdefault(tag.slug, tag)
    return tuple(TagGroup(names[slug], tuple(by_slug[slug])) for slug in sorted(by_slug))


def archive(ordered: tuple[Post, ...]) -> tuple[Year, ...]:
    """Group posts (newest first) into years and months, newest first."""
    years = []
    for year, in_year in groupby(ordered, key=lambda post: post.date.year):
        months = tuple(
            Month(year, month, tuple(in_month))
            for month, in_month in groupby(in_year, key=lambda post: post.date.month)
        )
        years.append(Year(year, months))
    return tuple(years)


def neighbours(ordered: tuple[Post, ...], related: RelatedFinder | None = None) -> dict[str, Neighbours]:
    """Give each post its older and newer neighbours and up to three related posts."""
    found = (related or related_positions)(tag_slugs(ordered))
    return {
        post.url: Neighbours(
            older=ordered[i + 1] if i + 1 < len(ordered) else None,
            newer=ordered[i - 1] if i > 0 else None,
            related=tuple(ordered[other] for other in found[i]),
        )
        for i, post in enumerate(ordered)
    }


def tag_slugs(ordered: tuple[Post, ...]) -> tuple[tuple[str, ...], ...]:
    """Give each post's tag slugs, in the posts' order: all that related posts depend on."""
    return tuple(tuple(tag.slug for tag in post.tags) for post in ordered)


def related_posts(ordered: tuple[Post, ...], count: int = RELATED_COUNT) -> dict[str, tuple[Post, ...]]:
    """Give each post the posts sharing most tags with it; ties go to the nearest in time."""
    found = related_positions(tag_slugs(ordered), count)
    return {post.url: tuple(ordered[other] for other in best) for post, best in zip(ordered, found)}


def related_positions(slugs: tuple[tuple[str, ...], ...], count: int = RELATED_COUNT) -> tuple[tuple[int, ...], ...]:
    """Give, for each position's tag slugs, the positions sharing most tags with it; ties go
    to the nearest (the lower first at equal distance)."""
    if count < 1 or any(len(set(tags)) < len(tags) for tags in slugs):
        # The pair index weighs each tag once: a tag repeated in a post (which the loader
        # rejects) or a `count` below one takes the plain way, whose results it equals.
        return _related_by_counting(slugs, count)
    pairs = [tuple(combinations(sorted(tags), 2)) for tags in slugs]
    by_tag, by_pair = _positions(slugs), _positions(pairs)
    return tuple(tuple(_most_related(position, [by_tag[slug] for slug in slugs[position]],
                                     [by_pair[pair] for pair in pairs[position]], count))
                 for position in range(len(slugs)))


def _positions(keys: list[tuple[Hashable, ...]]) -> dict[Hashable, list[int]]:
    """Give, for each key, the positions whose keys hold it, in order."""
    positions: dict[Hashable, list[int]] = defaultdict(list)
    for position, held in enumerate(keys):
        for key in held:
            positions[key].append(position)
    return positions


def _most_related(position: int, tag_lists: list[list[int]], pair_lists: list[list[int]], count: int) -> list[int]:
    """Give the positions of the `count` posts sharing most tags with the post at `position`,
    the nearest first among equals, from the positions holding each of its tags and each
    pair of its tags."""
    # A post sharing s tags shares s(s-1)/2 pairs of them, so counting shared pairs ranks the
    # few posts sharing two tags or more as counting tags would, without visiting the many
    # that share one: those only fill the places left, nearest first.
    shared = Counter(chain.from_iterable(pair_lists))
    shared.pop(position, None)
    best = _highest(shared, position, count) if shared else []
    if len(best) < count:
        best += _nearest(position, tag_lists, shared.keys(), count - len(best))
    return best


def _highest(scores: dict[int, int], position: int, count: int) -> list[int]:
    """Give the `count` positions of highest score, the nearest to `position` (then the
    lower) first among equals."""
    # On each side of `position`, listed from the nearest out, a stable sort by score alone
    # ranks as the full key would; only each side's few winners then meet a Python key.
    positions = sorted(scores)
    middle = bisect_left(positions, position)
    score = scores.__getitem__
    few = (sorted(positions[:middle][::-1], key=score, reverse=True)[:count]
           + sorted(positions[middle:], key=score, reverse=True)[:count])
    return sorted(few, key=lambda other: (-scores[other], abs(other - position), other))[:count]


def _nearest(position: int, lists: list[list[int]], skip: Collection[int], count: int) -> list[int]:
    """Give the `count` positions nearest `position` (the lower first at equal distance) in
    the sorted `lists`, leaving out `position` itself and those in `skip`."""
    # Each list is in order and holds a position once at most, so its `count` + len(skip)
    # entries on each side of `position` hold its `count` nearest that are kept.
    reach = count + len(skip)
    window = set()
    for positions in lists:
        middle = bisect_left(positions, position)
        window.update(positions[max(0, middle - reach):middle + reach + 1])
    window.discard(position)
    return heapq.nsmallest(count, window.difference(skip), key=lambda other: (abs(other - position), other))


def _related_by_counting(slugs: tuple[tuple[str, ...], ...], count: int) -> tuple[tuple[int, ...], ...]:
    """Give each position its related positions by counting, for every other, the tags they share."""
    by_tag: dict[str, list[int]] = defaultdict(list)
    for position, tags in enumerate(slugs):
        for slug in tags:
            by_tag[slug].append(position)
    related = []
    for position, tags in enumerate(slugs):
        shared = Counter(other for slug in tags for other in by_tag[slug] if other != position)
        related.append(tuple(sorted(shared, key=lambda other: (-shared[other], abs(other - position), other))[:count]))
    return tuple(related)


def paginate(posts: tuple[Post, ...], per_page: int, base: str) -> tuple[PageOfPosts, ...]:
    """Split a listing into pages of `per_page` posts; an empty listing still has one page."""
    chunks = [posts[start:start + per_page] for start in range(0, len(posts), per_page)] or [()]
    latest = max((post.date for post in posts), default=None)
    return tuple(PageOfPosts(number, len(chunks), chunk, base, len(posts), latest)
                 for number, chunk in enumerate(chunks, start=1))
