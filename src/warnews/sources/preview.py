"""The pages of a channel's web preview (https://t.me/s/NAME: about 20 posts, oldest
first; `?before=ID` the ones before post ID) and of one post's embed page, read into
posts. The markup read is the widget's (tgme_widget_message ...), as public tools read
it; a page that has none of it is said to be so, never taken for a channel without posts.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

from .._errors import FetchError
from .._normalize import normalize_paragraph
from .telegram import NAME, Post

if TYPE_CHECKING:
    from lxml.html import HtmlElement

    from .._net import Download

MAX_POST_ID = 2**31 - 1  # Telegram's message ids are 32-bit
PAGE_RATE = 2.0  # page requests a second to the preview's host: t.me answers 429 when polled fast
_BLOCKS = frozenset(
    {"div", "p", "blockquote", "pre", "li", "ul", "ol", "h1", "h2", "h3", "h4", "tr", "table"}
)
_BACKGROUND = re.compile(r"background-image\s*:\s*url\(\s*['\"]?([^'\")]+)['\"]?\s*\)", re.I)


@dataclass(frozen=True)
class Page:
    """One page of a channel's preview: its posts, newest first, and the id to ask the
    older ones with (None: the channel's first post is on this page)."""

    channel: str | None
    title: str | None
    posts: tuple[Post, ...]
    before: int | None


def _classes(element: HtmlElement) -> set[str]:
    return set((element.get("class") or "").split())


def _find(element: HtmlElement, name: str) -> list[HtmlElement]:
    found: list[HtmlElement] = element.xpath(
        f".//*[contains(concat(' ', normalize-space(@class), ' '), ' {name} ')]"
    )
    return found


def _first(element: HtmlElement, name: str) -> HtmlElement | None:
    found = _find(element, name)
    return found[0] if found else None


def _text_of(element: HtmlElement | None) -> str | None:
    if element is None:
        return None
    return normalize_paragraph(element.text_content()) or None


def _href(element: HtmlElement | None, base: str) -> str | None:
    if element is None or not element.get("href"):
        return None
    # t.me/s/ pages escape "&" twice in the links of posts (since 2024): undone here.
    return urljoin(base, str(element.get("href", "")).strip().replace("&amp;", "&"))


def _background(element: HtmlElement | None, base: str) -> str | None:
    if element is None:
        return None
    match = _BACKGROUND.search(element.get("style") or "")
    return urljoin(base, str(match[1])) if match else None


def _paragraphs(element: HtmlElement) -> tuple[str, ...]:
    """A message's text, one paragraph per line: <br> and block elements break lines."""
    parts: list[str] = []

    def walk(node: HtmlElement) -> None:
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag in ("script", "style", "template"):
            return  # code, not text (its tail is the caller's)
        if tag == "br":
            parts.append("\n")
        block = tag in _BLOCKS
        if block:
            parts.append("\n")
        if tag and node.text:
            parts.append(node.text)
        for child in node:
            walk(child)
            if child.tail:
                parts.append(child.tail)
        if block:
            parts.append("\n")

    walk(element)
    lines = (normalize_paragraph(line) for line in "".join(parts).split("\n"))
    return tuple(line for line in lines if line)


def _outside(element: HtmlElement, container: HtmlElement, excluded: Sequence[str]) -> bool:
    """Whether element is not inside a part of container with one of these classes."""
    node = element.getparent()
    while node is not None and node is not container:
        if _classes(node) & set(excluded):
            return False
        node = node.getparent()
    return True


_QUOTED = ("tgme_widget_message_reply", "tgme_widget_message_link_preview", "tgme_widget_message_poll")


def _media(message: HtmlElement, base: str) -> tuple[dict[str, str | None], ...]:
    media: list[dict[str, str | None]] = []

    def add(kind: str, url: str | None) -> None:
        media.append({"kind": kind, "url": url})

    for element in message.iter():
        classes = _classes(element)
        if not classes or not _outside(element, message, _QUOTED):
            continue
        if "tgme_widget_message_photo_wrap" in classes:
            add("photo", _background(element, base) or _href(element, base))
        elif (
            "tgme_widget_message_video_player" in classes
            or "tgme_widget_message_roundvideo_player" in classes
        ):
            video = element.xpath(".//video[@src]")
            url = urljoin(base, video[0].get("src")) if video else _href(element, base)
            add("video" if _find(element, "message_video_play") or not video else "gif", url)
        elif "tgme_widget_message_document_wrap" in classes:
            add("audio" if _find(element, "audio") else "document", _href(element, base))
        elif element.tag == "audio" and "tgme_widget_message_voice" in classes:
            add("voice", urljoin(base, element.get("src", "")) or None)
        elif classes & {
            "tgme_widget_message_sticker",
            "tgme_widget_message_tgsticker",
            "tgme_widget_message_videosticker",
        }:
            add("sticker", element.get("data-webp") or _background(element, base))
        elif "tgme_widget_message_poll" in classes:
            add("poll", None)
        elif "tgme_widget_message_location_wrap" in classes:
            add("location", _href(element, base))
        elif "tgme_widget_message_contact" in classes:
            add("contact", None)
    return tuple(media)


def _post(message: HtmlElement, base: str, channel_title: str | None) -> Post:
    data_post = message.get("data-post") or ""
    name, _, number = data_post.rpartition("/")
    if not NAME.fullmatch(name) or not number.isdigit():
        raise FetchError(changed(f"a post's data-post is {data_post!r}, not NAME/ID"))
    dates = _find(message, "tgme_widget_message_date")
    moments = [moment for element in dates for moment in element.iter("time") if moment.get("datetime")]
    moments = moments or message.xpath(".//time[@datetime]")
    posted_at = moments[0].get("datetime").strip() if moments else None
    # The post's own text: not a reply's quote or a link preview's, and only the outermost
    # (an album's caption is a text block inside another).
    texts = [
        element
        for element in _find(message, "tgme_widget_message_text")
        if _outside(element, message, (*_QUOTED, "tgme_widget_message_text"))
    ]
    paragraphs = tuple(line for element in texts for line in _paragraphs(element))
    links = tuple(
        dict.fromkeys(
            url
            for element in texts
            for anchor in element.iter("a")
            if (url := _href(anchor, base))
            and urlsplit(url).scheme in ("http", "https")
            and "?q=%23" not in url
        )
    )
    forwarded = _first(message, "tgme_widget_message_forwarded_from")
    forwarded_from = None
    if forwarded is not None:
        name_element = _first(forwarded, "tgme_widget_message_forwarded_from_name")
        forwarded_from = {
            "name": _text_of(name_element) or _text_of(forwarded),
            "url": _href(name_element, base),
            "author": _text_of(_first(forwarded, "tgme_widget_message_forwarded_from_author")),
        }
    reply = _first(message, "tgme_widget_message_reply")
    reply_to = None
    if reply is not None:
        reply_to = {
            "url": _href(reply, base),
            "author": _text_of(_first(reply, "tgme_widget_message_author_name")),
            "text": _text_of(_first(reply, "tgme_widget_message_metatext"))
            or _text_of(_first(reply, "tgme_widget_message_text")),
        }
    previews = tuple(
        {
            "url": _href(preview, base),
            "site": _text_of(_first(preview, "link_preview_site_name")),
            "title": _text_of(_first(preview, "link_preview_title")),
            "description": _text_of(_first(preview, "link_preview_description")),
        }
        for preview in _find(message, "tgme_widget_message_link_preview")
    )
    meta = _first(message, "tgme_widget_message_meta")
    unsupported = any(
        _first(element, "media_supported_cont") is None
        for element in _find(message, "message_media_not_supported")
    )
    return Post(
        channel=name,
        id=int(number),
        posted_at=posted_at,
        paragraphs=paragraphs,
        channel_title=channel_title,
        edited=meta is not None
        and "edited" in " ".join([meta.text or "", *(c.tail or "" for c in meta)]).lower(),
        views=_text_of(_first(message, "tgme_widget_message_views")),
        author=_text_of(_first(message, "tgme_widget_message_from_author")),
        forwarded_from=forwarded_from,
        reply_to=reply_to,
        link_previews=previews,
        media=_media(message, base),
        links=links,
        service="service_message" in _classes(message),
        unsupported=unsupported,
    )


def changed(detail: str) -> str:
    return (
        f"not a Telegram channel preview as warnews reads it (the page's markup may have changed: {detail})"
    )


def parse_page(answer: Download, channel: str, single: bool = False) -> Page:
    """A page of a channel's preview, or the FetchError that says what the page is instead:
    no such public channel, a channel without a web preview, or markup warnews cannot read.
    single: the embed page of one post (no channel history there)."""
    import lxml.etree
    import lxml.html

    shown = f"@{channel}"
    try:
        root = lxml.html.document_fromstring(answer.content.decode("utf-8", "replace"))
    except (lxml.etree.ParserError, lxml.etree.XMLSyntaxError, ValueError):
        raise FetchError(changed("the answer is empty or not HTML")) from None
    base = answer.final_url
    messages = [
        element for element in _find(root, "tgme_widget_message") if element.get("data-post") is not None
    ]
    history = _first(root, "tgme_channel_history")
    # t.me sends a channel it shows no preview of (or no channel at all) to its landing page.
    redirected = not single and "/s/" not in urlsplit(answer.final_url).path
    if single and not messages:
        raise FetchError(f"no public post there: {channel} shows none (deleted, private, or not a channel)")
    if not messages and (history is None or redirected):
        landing = _first(root, "tgme_page")
        if landing is not None or redirected:
            extra = (_text_of(_first(root, "tgme_page_extra")) or "").lower()
            if "subscriber" in extra or "member" in extra:
                raise FetchError(
                    f"channel {shown} has no web preview (disabled by the channel, or blocked by Telegram):"
                    f" warnews reads channels that https://t.me/s/{channel} shows",
                    permanent=True,
                )
            raise FetchError(
                f"no public channel {shown} (it does not exist, is private, or is not a channel)",
                permanent=True,
            )
        raise FetchError(changed("no channel history and no posts found"))
    # The channel's title: its page's header; on a post's own page, the post's owner name.
    title = _text_of(_first(root, "tgme_channel_info_header_title")) or _text_of(
        _first(root, "tgme_widget_message_owner_name")
    )
    if title is None:
        meta = root.xpath("//meta[@property='og:title']/@content")
        title = normalize_paragraph(str(meta[0])) if meta else None
    # A page speaks for its own channel only, with ids a message can have (a page naming
    # another channel's post, or an absurd id, would hide that post or every later one).
    posts = [
        post
        for post in (_post(message, base, title) for message in messages)
        if post.channel.lower() == channel.lower() and 0 < post.id <= MAX_POST_ID
    ]
    if not posts:
        raise FetchError(f"channel {shown} shows no posts in its web preview (blocked, or empty)")
    if any(not post.service for post in posts) and all(
        post.moment is None for post in posts if not post.service
    ):
        raise FetchError(changed("posts without a time"))
    more = root.xpath(
        "//a[contains(concat(' ', normalize-space(@class), ' '), ' tme_messages_more ')][@data-before]"
    )
    before = None
    for element in more:
        value = (element.get("data-before") or "").strip()
        if value.isdigit():
            before = int(value)
            break
    ordered = tuple(sorted({post.id: post for post in posts}.values(), key=lambda post: -post.id))
    return Page(ordered[0].channel if ordered else None, title, ordered, before)
