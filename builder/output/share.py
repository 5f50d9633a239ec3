"""Links that share a post by e-mail and on social networks: plain URLs of each network's own
share page, so that no third-party script runs and nothing is sent before a reader clicks."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlencode

from builder.core import urls
from builder.core.model import Config, Post


@dataclass(frozen=True, slots=True)
class ShareLink:
    """One way to share a post: its network, its French label, and its URL."""

    network: str  # a short key, for CSS: email, x, linkedin
    label: str
    url: str


def share_links(post: Post, config: Config) -> tuple[ShareLink, ...]:
    """Give the links that share `post` by e-mail, on X (Twitter) and on LinkedIn."""
    link = urls.absolute(config.base_url, post.url)
    # quote, not quote_plus: mail programs show a `+` as it is (RFC 6068 wants %20).
    mail = urlencode({"subject": post.title, "body": f"{post.summary}\r\n\r\n{link}"}, quote_via=quote)
    tweet = urlencode({"url": link, "text": post.title}, quote_via=quote)
    return (
        ShareLink("email", "Envoyer par e-mail", f"mailto:?{mail}"),
        ShareLink("x", "Partager sur X (Twitter)", f"https://twitter.com/intent/tweet?{tweet}"),
        ShareLink("linkedin", "Partager sur LinkedIn",
                  f"https://www.linkedin.com/sharing/share-offsite/?{urlencode({'url': link}, quote_via=quote)}"),
    )
