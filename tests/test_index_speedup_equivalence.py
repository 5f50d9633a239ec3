"""Property: the indexed selection of related posts gives what plainly counting the tags
every two posts share gives, ties to the nearest in time, on any posts."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from builder.site.index import related_posts
from builder.core.model import Post, Tag, Topic

TOPIC = Topic("securite", "Sécurité", "")
START = datetime(2021, 3, 1, tzinfo=timezone.utc)


def make_post(number: int, tags: list[str]) -> Post:
    """Give a post with these tag slugs, the rest of it plain and unique to `number`."""
    return Post(source=Path(f"p{number}.md"), slug=f"p{number}", title=f"P{number}",
                date=START - timedelta(days=number), updated=None, topic=TOPIC,
                tags=tuple(Tag(slug.upper(), slug) for slug in tags), summary="", author="", draft=False,
                aliases=(), body=b"", headings=(), word_count=1, url=f"/p{number}/", references=(),
                post_links=(), hrefs=(), assets=(), body_line=1, source_digest="", stamp=(0, 0), digest="",
                field_lines=())


def plain_related(ordered: tuple[Post, ...], count: int) -> dict[str, tuple[Post, ...]]:
    """Give each post its related posts the obvious way: score every other post, sort them all."""
    related = {}
    for here, post in enumerate(ordered):
        scores = {there: sum(mine.slug == theirs.slug for mine in post.tags for theirs in other.tags)
                  for there, other in enumerate(ordered) if there != here}
        ranked = sorted((there for there, score in scores.items() if score),
                        key=lambda there: (-scores[there], abs(there - here), there))
        related[post.url] = tuple(ordered[there] for there in ranked[:count])
    return related


# Few tag names, so that posts share one, two or more tags and ties are common.
slugs = st.sampled_from(["cnil", "rgpd", "dmp", "html", "python", "hopital", "ia", "sante"])
distinct_tags = st.lists(slugs, max_size=5, unique=True)  # as the loader gives them
any_tags = st.lists(slugs, max_size=6)  # a slug may repeat: the loader rejects it, the function does not


@given(tag_lists=st.lists(distinct_tags, max_size=40), count=st.integers(1, 5))
def test_related_posts_equal_a_plain_count_of_shared_tags(tag_lists: list[list[str]], count: int) -> None:
    ordered = tuple(make_post(number, tags) for number, tags in enumerate(tag_lists))
    assert related_posts(ordered, count) == plain_related(ordered, count)


@given(tag_lists=st.lists(any_tags, max_size=25), count=st.integers(-2, 5))
def test_related_posts_equal_a_plain_count_with_repeated_tags_or_any_count(tag_lists: list[list[str]],
                                                                            count: int) -> None:
    ordered = tuple(make_post(number, tags) for number, tags in enumerate(tag_lists))
    assert related_posts(ordered, count) == plain_related(ordered, count)


def test_related_posts_fill_with_the_nearest_sharing_one_tag_after_those_sharing_more() -> None:
    tags = [["a"], ["b"], ["a", "b"], ["a"], ["c"], ["a"], ["a", "b"], ["a"]]
    ordered = tuple(make_post(number, post_tags) for number, post_tags in enumerate(tags))
    related = related_posts(ordered)
    # Post 2 shares two tags with post 6 only; then posts 1 and 3 are nearest (1 is newer).
    assert [post.slug for post in related["/p2/"]] == ["p6", "p1", "p3"]
    assert related["/p4/"] == ()
