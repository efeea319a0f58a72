"""t.me's web preview on 127.0.0.1, after the markup of real public previews (as public
tools such as RSSHub's telegram route read it): `/s/NAME` the newest 20 posts of a
channel, oldest first in the document; `/s/NAME?before=ID` the 20 before post ID, with
the "load more" link `a.tme_messages_more[data-before]` while older posts exist;
`/NAME/ID?embed=1&mode=tme` one post's widget. Channels that do not exist or show no
preview redirect to their landing page, as t.me does; 429s and changed markup on command.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from urllib.parse import parse_qs, urlsplit

from servers import _Handler, _Local

PAGE = 20


def emoji(char: str) -> str:
    code = "".join(f"{byte:02X}" for byte in char.encode())
    return (
        f'<i class="emoji" style="background-image:url(\'//telegram.org/img/emoji/40/{code}.png\')">'
        f"<b>{char}</b></i>"
    )


def hashtag(tag: str) -> str:
    return f'<a href="?q=%23{tag}">#{tag}</a>'


def text(*lines: str) -> str:
    """A post's text as t.me writes it: lines (already HTML) joined by <br/>."""
    return "<br/>".join(lines)


def photo(url: str = "https://cdn4.telesco.pe/file/photo.jpg") -> str:
    return (
        '<a class="tgme_widget_message_photo_wrap blured js-message_photo" href="https://t.me/x/1?single" '
        f"style=\"width:800px;background-image:url('{url}')\">"
        '<div class="tgme_widget_message_photo" style="padding-top:75%"></div></a>'
    )


def album(*urls: str) -> str:
    inner = "".join(photo(url).replace("blured", "grouped_media_wrap blured") for url in urls)
    return (
        '<div class="tgme_widget_message_grouped_wrap js-message_grouped_wrap">'
        f'<div class="tgme_widget_message_grouped js-message_grouped"><div class="tgme_widget_message_grouped_layer">'
        f"{inner}</div></div></div>"
    )


def video(url: str = "https://cdn4.telesco.pe/file/video.mp4") -> str:
    return (
        '<a class="tgme_widget_message_video_player js-message_video_player" href="https://t.me/x/1?single">'
        '<i class="tgme_widget_message_video_thumb" style="background-image:url(\'https://cdn4.telesco.pe/t.jpg\')"></i>'
        '<div class="tgme_widget_message_video_wrap"><video class="tgme_widget_message_video js-message_video" '
        f'src="{url}"></video></div><div class="message_video_play"></div></a>'
    )


def forwarded(name: str, url: str) -> str:
    return (
        '<div class="tgme_widget_message_forwarded_from accent_color">Forwarded from '
        f'<a class="tgme_widget_message_forwarded_from_name" href="{url}"><span dir="auto">{escape(name)}</span></a></div>'
    )


def reply(url: str, author: str, quoted: str) -> str:
    return (
        f'<a class="tgme_widget_message_reply" href="{url}"><div class="tgme_widget_message_author accent_color">'
        f'<span class="tgme_widget_message_author_name" dir="auto">{escape(author)}</span></div>'
        f'<div class="tgme_widget_message_metatext js-message_reply_text" dir="auto">{escape(quoted)}</div></a>'
    )


def link_preview(url: str, site: str, title: str, description: str) -> str:
    return (
        f'<a class="tgme_widget_message_link_preview" href="{url}">'
        '<i class="link_preview_right_image" style="background-image:url(\'https://cdn4.telesco.pe/p.jpg\')"></i>'
        f'<div class="link_preview_site_name accent_color" dir="auto">{escape(site)}</div>'
        f'<div class="link_preview_title" dir="auto">{escape(title)}</div>'
        f'<div class="link_preview_description" dir="auto">{escape(description)}</div></a>'
    )


NOT_SUPPORTED = (
    '<div class="message_media_not_supported_wrap"><div class="message_media_not_supported">'
    '<div class="message_media_not_supported_label">Please open Telegram to view this post</div>'
    '<a href="https://t.me/x/1?single" class="message_media_view_in_telegram">VIEW IN TELEGRAM</a></div></div>'
)


@dataclass
class Post:
    id: int
    html: str = ""  # the message text's inner HTML ("" for none)
    at: str = "2024-01-10T09:30:00+00:00"
    before: str = ""  # markup before the text: forwarded header, reply, media
    after: str = ""  # markup after the text: a link preview
    views: str | None = "1.2K"
    edited: bool = False
    service: bool = False


@dataclass
class Channel:
    name: str
    title: str
    posts: dict[int, Post] = field(default_factory=dict)
    state: str = "public"  # public, missing, disabled, empty, changed

    def add(self, *posts: Post) -> None:
        for post in posts:
            self.posts[post.id] = post


def message(channel: Channel, post: Post) -> str:
    classes = "tgme_widget_message text_not_supported_wrap js-widget_message"
    if post.service:
        classes += " service_message"
    body = (
        f'<div class="tgme_widget_message_text js-message_text" dir="auto">{post.html}</div>'
        if post.html
        else ""
    )
    views = f'<span class="tgme_widget_message_views">{post.views}</span><span class="copyonly"> views</span>'
    edited = "edited " if post.edited else ""
    link = f"https://t.me/{channel.name}/{post.id}"
    return f"""<div class="tgme_widget_message_wrap js-widget_message_wrap">
<div class="{classes}" data-post="{channel.name}/{post.id}" data-view="eyJ4IjoxfQ">
<div class="tgme_widget_message_user"><a href="https://t.me/{channel.name}"><i class="tgme_widget_message_user_photo"></i></a></div>
<div class="tgme_widget_message_bubble"><i class="tgme_widget_message_bubble_tail"></i>
<div class="tgme_widget_message_author accent_color"><a class="tgme_widget_message_owner_name" href="https://t.me/{channel.name}"><span dir="auto">{escape(channel.title)}</span></a></div>
{post.before}{body}{post.after}
<div class="tgme_widget_message_footer compact js-message_footer"><div class="tgme_widget_message_info short js-message_info">
{views if post.views else ""}<span class="tgme_widget_message_meta">{edited}<a class="tgme_widget_message_date" href="{link}"><time datetime="{post.at}" class="time">09:30</time></a></span>
</div></div></div></div></div>"""


def channel_page(channel: Channel, before: int | None) -> str:
    ids = sorted(number for number in channel.posts if before is None or number < before)[-PAGE:]
    older = ids and any(number < ids[0] for number in channel.posts)
    more = (
        f'<a class="tme_messages_more js-messages_more" data-before="{ids[0]}" href="/s/{channel.name}?before={ids[0]}"></a>'
        if older
        else ""
    )
    posts = "".join(message(channel, channel.posts[number]) for number in ids)
    if channel.state == "empty":
        posts, more = '<div class="tme_no_messages_found">No posts found</div>', ""
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{escape(channel.title)} – Telegram</title>
<meta property="og:title" content="{escape(channel.title)}"></head><body class="widget_frame_base tgme_webpreview">
<header class="tgme_header"><div class="tgme_header_title">{escape(channel.title)}</div></header>
<main class="tgme_main"><div class="tgme_container">
<section class="tgme_right_column"><div class="tgme_channel_info"><div class="tgme_channel_info_header">
<div class="tgme_channel_info_header_title"><span dir="auto">{escape(channel.title)}</span></div>
<div class="tgme_channel_info_header_username"><a href="https://t.me/{channel.name}">@{channel.name}</a></div></div>
<div class="tgme_channel_info_description">Новини Києва</div></div></section>
<section class="tgme_channel_history js-message_history">{more}{posts}</section></div></main></body></html>"""


def landing(name: str, subscribers: bool) -> str:
    extra = '<div class="tgme_page_extra">12 345 subscribers</div>' if subscribers else ""
    title = f'<div class="tgme_page_title"><span dir="auto">{name}</span></div>' if subscribers else ""
    return f"""<!DOCTYPE html><html><head><meta property="og:title" content="Telegram: Contact @{name}"></head>
<body><div class="tgme_page_wrap"><div class="tgme_page">{title}{extra}
<div class="tgme_page_description">If you have <strong>Telegram</strong>, you can contact <a class="tgme_username_link" href="tg://resolve?domain={name}">@{name}</a> right away.</div>
</div></div></body></html>"""


class TelegramPreview(_Local):
    """The preview's host. `requests` lists the paths asked (with their query);
    `fail_next` answers that many 429s (Retry-After `retry_after`) first."""

    def __init__(self) -> None:
        super().__init__()
        self.channels: dict[str, Channel] = {}
        self.requests: list[str] = []
        self.fail_next = 0
        self.retry_after = "1"

    @property
    def base_url(self) -> str:
        return self.origin

    def channel(self, name: str, title: str = "Київ Новини", state: str = "public") -> Channel:
        self.channels[name.lower()] = Channel(name, title, state=state)
        return self.channels[name.lower()]

    def pages(self) -> list[str]:
        return [path for path in self.requests if path.startswith("/s/")]

    def handle(self, request: _Handler) -> None:
        parts = urlsplit(request.path)
        self.requests.append(request.path)
        if self.fail_next > 0:
            self.fail_next -= 1
            request.reply(429, b"Too Many Requests", {"Retry-After": self.retry_after})
            return
        segments = [segment for segment in parts.path.split("/") if segment]
        query = parse_qs(parts.query)
        if segments[:1] == ["s"] and len(segments) == 2:
            channel = self.channels.get(segments[1].lower())
            if channel is None or channel.state in ("missing", "disabled"):
                request.reply(302, b"", {"Location": f"/{segments[1]}"})
                return
            if channel.state == "changed":
                body = (
                    "<html><body><div class='feed'><article><p>Новий дизайн</p></article></div></body></html>"
                )
                request.reply(200, body.encode())
                return
            before = int(query["before"][0]) if "before" in query else None
            request.reply(200, channel_page(channel, before).encode())
            return
        if len(segments) == 1:
            channel = self.channels.get(segments[0].lower())
            request.reply(
                200, landing(segments[0], channel is not None and channel.state == "disabled").encode()
            )
            return
        if len(segments) == 2 and segments[1].isdigit():
            channel = self.channels.get(segments[0].lower())
            post = channel.posts.get(int(segments[1])) if channel else None
            if channel is None or post is None:
                request.reply(
                    200,
                    b"<html><body><div class='tgme_widget_message_error'>Post not found</div></body></html>",
                )
                return
            request.reply(200, f"<!DOCTYPE html><html><body>{message(channel, post)}</body></html>".encode())
            return
        request.reply(404, b"<h1>Not found</h1>")
