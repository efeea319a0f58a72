"""A local emulation of t.me's web preview of public channels, on 127.0.0.1.

The markup follows public previews as public readers and test fixtures record it (RSSHub's
lib/routes/telegram/channel.ts, and saved t.me/s pages in other projects' tests): among the
traps, a reply's quote shares the class of the post's text (`tgme_widget_message_text
js-message_reply_text`) and comes before it, and an album's caption is a text div in a text div.

- `/s/NAME`: the channel's newest page (`per_page` posts, oldest first in the document), in
  `section.tgme_channel_history`, each post a `div.tgme_widget_message_wrap` holding
  `div.tgme_widget_message[data-post="NAME/ID"]`; `a.tme_messages_more[data-before]` while older
  posts exist; the channel's info header (title, @username, description, counters) and og:title.
- `/s/NAME?before=ID`: the `per_page` posts before ID.
- `/NAME/ID?embed=1&mode=tme`: one post's widget (the same message markup).
- `/NAME`: the landing page (title and "N subscribers" for a channel, a "Preview channel" link
  when its preview is on; a contact page without a channel for a name that is none).

Misbehaviour on command, per channel (`Channel.mode`): "missing" (or a name never added) and
"private" redirect /s/NAME to /NAME, a landing page without a channel; "no_preview" redirects
to a channel's landing page with its subscribers; "empty": the history without posts ("nothing_found": with t.me's "No posts found" notice);
"changed": a page without any tgme_* markup. `throttle_next` answers that many requests with
429 and `retry_after`. `Channel.edit` changes a post between two reads. `requests` logs every
request target; `page_requests(name)` counts the /s/NAME pages asked for.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from html import escape
from urllib.parse import parse_qs, urlsplit

from servers import _Handler, _Local

PHOTO = "https://cdn4.cdn-telegram.org/file/{}.jpg"
VIDEO = "https://cdn4.cdn-telegram.org/file/{}.mp4"
VOICE = "https://cdn4.cdn-telegram.org/file/{}.ogg"


# --- the inline markup of a message's text ---


def emoji(character: str, code: str = "f09f87baf09f87a6") -> str:
    """An emoji as t.me writes it: an image, with the character in a <b>."""
    return (
        f'<i class="emoji" style="background-image:url(\'//telegram.org/img/emoji/40/{code.upper()}.png\')">'
        f"<b>{character}</b></i>"
    )


def hashtag(tag: str) -> str:
    return f'<a href="?q=%23{escape(tag)}">#{escape(tag)}</a>'


def link(href: str, text: str | None = None) -> str:
    """A link in a post's text. Since April 2024 t.me escapes the & of such links twice (RSSHub's
    reader undoes it: an <a onclick> whose href holds "&amp;" means "&")."""
    return f'<a href="{escape(href).replace("&amp;", "&amp;amp;")}" target="_blank" rel="noopener" onclick="return confirm(\'Open this link?\\n\\n\'+this.href);">{escape(text or href)}</a>'


@dataclass
class Post:
    """One post. `text` is the HTML of its text, a newline for each <br/> (None: no text)."""

    id: int
    text: str | None = None
    time: str = "2024-01-10T10:00:00+00:00"
    photos: list[str] = field(default_factory=list)  # several: an album
    video: str | None = None
    document: tuple[str, str] | None = None  # (file name, size)
    voice: str | None = None
    forwarded: tuple[str, str | None] | None = None  # (name, url)
    reply: tuple[str, str, str] | None = None  # (url, author, text)
    link_preview: tuple[str, str, str, str] | None = None  # (url, site, title, description)
    views: str | None = "1.2K"
    edited: bool = False
    author: str | None = None
    service: bool = False  # a service message: text is what it says ("Channel created")
    unsupported: bool = False  # a post the preview cannot show


@dataclass
class Channel:
    name: str  # as t.me spells it in data-post
    title: str
    description: str = "Новини України"
    posts: list[Post] = field(default_factory=list)
    subscribers: str = "12 345"
    mode: str = "ok"  # ok, missing, private, no_preview, empty, changed
    per_page: int = 20

    def post(self, id: int) -> Post | None:
        return next((post for post in self.posts if post.id == id), None)

    def add(self, *posts: Post) -> None:
        self.posts.extend(posts)
        self.posts.sort(key=lambda post: post.id)

    def delete(self, id: int) -> None:
        self.posts = [post for post in self.posts if post.id != id]

    def edit(self, id: int, text: str) -> None:
        post = self.post(id)
        assert post is not None
        post.text, post.edited = text, True

    def page(self, before: int | None) -> list[Post]:
        shown = [post for post in self.posts if before is None or post.id < before]
        return shown[-self.per_page :]


def _text_html(text: str) -> str:
    return text.replace("\n", "<br/>")


def _time(iso: str) -> str:
    return iso[11:16]


def message(channel: Channel, post: Post) -> str:
    """The markup of one message, as in /s/NAME and in the embed widget."""
    name, permalink = channel.name, f"https://t.me/{channel.name}/{post.id}"
    date = (
        f'<a class="tgme_widget_message_date" href="{permalink}">'
        f'<time datetime="{post.time}" class="time">{_time(post.time)}</time></a>'
    )
    if post.service:
        return (
            '<div class="tgme_widget_message_wrap js-widget_message_wrap">'
            f'<div class="tgme_widget_message service_message js-widget_message" data-post="{name}/{post.id}">'
            '<div class="tgme_widget_message_bubble">'
            f'<div class="tgme_widget_message_text js-message_text" dir="auto">{post.text or ""}</div>'
            f'<div class="tgme_widget_message_footer js-message_footer"><div class="tgme_widget_message_info js-message_info">'
            f'<span class="tgme_widget_message_meta">{date}</span></div></div>'
            "</div></div></div>"
        )
    parts = [
        '<i class="tgme_widget_message_bubble_tail"><svg class="bubble_icon" width="9px" height="20px" '
        'viewBox="0 0 9 20"></svg></i>',
        '<div class="tgme_widget_message_author accent_color">'
        f'<a class="tgme_widget_message_owner_name" href="https://t.me/{name}"><span dir="auto">{escape(channel.title)}</span></a></div>',
    ]
    if post.forwarded:
        who, url = post.forwarded
        tag = (
            f'<a class="tgme_widget_message_forwarded_from_name" href="{escape(url)}"><span dir="auto">{escape(who)}</span></a>'
            if url
            else f'<span class="tgme_widget_message_forwarded_from_name" dir="auto">{escape(who)}</span>'
        )
        parts.append(
            f'<div class="tgme_widget_message_forwarded_from accent_color">Forwarded from&nbsp;{tag}</div>'
        )
    if post.reply:
        url, who, quoted = post.reply
        parts.append(
            f'<a class="tgme_widget_message_reply" href="{escape(url)}">'
            f'<div class="tgme_widget_message_author accent_color"><span class="tgme_widget_message_author_name" dir="auto">{escape(who)}</span></div>'
            f'<div class="tgme_widget_message_text js-message_reply_text" dir="auto">{escape(quoted)}</div></a>'
        )
    grouped_video = ""
    if post.video and post.photos:
        grouped_video = (
            f'<a class="tgme_widget_message_video_player grouped_media_wrap blured js-message_video_player" '
            f'href="{permalink}?single" style="left:0px;top:152px;width:453px;height:148px;">'
            f'<i class="tgme_widget_message_video_thumb" style="background-image:url(\'{PHOTO.format("thumb")}\')"></i>'
            f'<div class="tgme_widget_message_video_wrap"><video src="{post.video}" class="tgme_widget_message_video js-message_video" '
            'width="100%" height="100%"></video></div><div class="message_video_play js-message_video_play"></div></a>'
        )
    if len(post.photos) > 1 or grouped_video:
        photos = (
            "".join(
                f'<a class="tgme_widget_message_photo_wrap grouped_media_wrap blured js-message_photo" '
                f"style=\"left:0px;top:0px;width:200px;height:150px;margin-right:2px;background-image:url('{url}')\" "
                f'data-ratio="1.3333" href="{permalink}?single"><div class="grouped_media_helper" style="left:0px;top:0px;'
                'width:200px;height:150px;"></div></a>'
                for url in post.photos
            )
            + grouped_video
        )
        parts.append(
            '<div class="tgme_widget_message_grouped_wrap js-message_grouped_wrap" data-margin-w="2" data-margin-h="2" '
            'style="width:453px;"><div class="tgme_widget_message_grouped js-message_grouped" style="padding-top:66.2%">'
            f'<div class="tgme_widget_message_grouped_layer js-message_grouped_layer" style="width:453px;height:300px">{photos}</div></div></div>'
        )
    elif post.photos:  # one photo
        parts.append(
            f'<a class="tgme_widget_message_photo_wrap 5458876413458857337 6057766581547612920" href="{permalink}" '
            f"style=\"width:800px;background-image:url('{post.photos[0]}')\">"
            '<div class="tgme_widget_message_photo" style="padding-top:56.25%"></div></a>'
        )
    if post.video and not grouped_video:
        parts.append(
            f'<a class="tgme_widget_message_video_player js-message_video_player" href="{permalink}">'
            f'<i class="tgme_widget_message_video_thumb" style="background-image:url(\'{PHOTO.format("thumb")}\')"></i>'
            f'<div class="tgme_widget_message_video_wrap"><video src="{post.video}" class="tgme_widget_message_video js-message_video" '
            'width="100%" height="100%"></video></div><div class="message_video_play js-message_video_play"></div>'
            '<time class="message_video_duration js-message_video_duration">0:38</time></a>'
        )
    if post.document:
        title, extra = post.document
        parts.append(
            '<div class="tgme_widget_message_document_wrap">'
            f'<a class="tgme_widget_message_document_icon accent_bg default" href="{permalink}"><i></i></a>'
            f'<div class="tgme_widget_message_document"><div class="tgme_widget_message_document_title accent_color" dir="auto">{escape(title)}</div>'
            f'<div class="tgme_widget_message_document_extra" dir="auto">{escape(extra)}</div></div></div>'
        )
    if post.voice:
        parts.append(
            f'<a class="tgme_widget_message_voice_player js-message_voice_player" href="{permalink}">'
            f'<audio src="{post.voice}" class="tgme_widget_message_voice js-message_voice" preload="none"></audio>'
            '<div class="tgme_widget_message_voice_duration js-message_voice_duration">0:12</div></a>'
        )
    if post.unsupported:
        parts.append(
            '<div class="message_media_not_supported_wrap"><div class="message_media_not_supported">'
            '<div class="message_media_not_supported_label">Please open Telegram to view this post</div>'
            f'<a href="{permalink}?single" class="message_media_view_in_telegram">VIEW IN TELEGRAM</a></div></div>'
        )
    if post.text is not None:
        text = (
            f'<div class="tgme_widget_message_text js-message_text" dir="auto">{_text_html(post.text)}</div>'
        )
        if len(post.photos) > 1:  # an album's caption: the text div twice, one in the other
            text = f'<div class="tgme_widget_message_text js-message_text" dir="auto">{text}</div>'
        parts.append(text)
    if post.link_preview:
        url, site, title, description = post.link_preview
        parts.append(
            f'<a class="tgme_widget_message_link_preview" href="{escape(url)}">'
            f'<i class="link_preview_right_image" style="background-image:url(\'{PHOTO.format("preview")}\')"></i>'
            f'<div class="link_preview_site_name accent_color" dir="auto">{escape(site)}</div>'
            f'<div class="link_preview_title" dir="auto">{escape(title)}</div>'
            f'<div class="link_preview_description" dir="auto">{escape(description)}</div></a>'
        )
    views = (
        f'<span class="tgme_widget_message_views">{post.views}</span><span class="copyonly"> views</span>'
        if post.views
        else ""
    )
    author = (
        f'<span class="tgme_widget_message_from_author" dir="auto">{escape(post.author)}</span>,&nbsp;'
        if post.author
        else ""
    )
    edited = "edited&nbsp;" if post.edited else ""
    parts.append(
        '<div class="tgme_widget_message_footer compact js-message_footer">'
        f'<div class="tgme_widget_message_info short js-message_info">{views}'
        f'<span class="tgme_widget_message_meta">{author}{edited}{date}</span></div></div>'
    )
    return (
        '<div class="tgme_widget_message_wrap js-widget_message_wrap">'
        f'<div class="tgme_widget_message text_not_supported_wrap js-widget_message" data-post="{name}/{post.id}" '
        f'data-view="eyJjIjotMTAwMTIzNDU2Nzg5LCJwIjoxfQ">'
        f'<div class="tgme_widget_message_user"><a href="https://t.me/{name}"><i class="tgme_widget_message_user_photo bgcolor2" '
        f'data-content-len="1"><img src="{PHOTO.format("avatar")}"></i></a></div>'
        f'<div class="tgme_widget_message_bubble">{"".join(parts)}</div></div></div>'
    )


def _head(title: str, description: str, url: str) -> str:
    return (
        '<!DOCTYPE html>\n<html>\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(title)} – Telegram</title>\n"
        '<meta name="viewport" content="width=device-width, initial-scale=1.0, minimum-scale=1.0, maximum-scale=1.0, user-scalable=no" />\n'
        f'<meta property="og:title" content="{escape(title)}">\n'
        f'<meta property="og:image" content="{PHOTO.format("avatar")}">\n'
        '<meta property="og:site_name" content="Telegram">\n'
        f'<meta property="og:description" content="{escape(description)}">\n'
        f'<meta property="twitter:title" content="{escape(title)}">\n'
        f'<link rel="canonical" href="{url}"/>\n'
        '<link href="//telegram.org/css/widget-frame.css?71" rel="stylesheet">\n'
        '<link href="//telegram.org/css/telegram-web.css?40" rel="stylesheet">\n</head>\n'
    )


def channel_page(channel: Channel, before: int | None = None) -> str:
    """/s/NAME: the channel's info header and a page of its history."""
    posts = [] if channel.mode in ("empty", "nothing_found") else channel.page(before)
    more = ""
    if posts and any(post.id < posts[0].id for post in channel.posts):
        oldest = posts[0].id
        more = (
            '<div class="tgme_widget_message_centered js-messages_more_wrap">'
            f'<a href="/s/{channel.name}?before={oldest}" class="tme_messages_more js-messages_more" data-before="{oldest}"></a></div>'
        )
    messages = "\n".join(message(channel, post) for post in posts)
    if channel.mode == "nothing_found":  # the notice RSSHub's reader leaves out
        messages = (
            '<div class="tgme_widget_message_wrap js-widget_message_wrap"><div class="tgme_widget_message_centered">'
            '<div class="tme_no_messages_found">No posts found</div></div></div>'
        )
    return (
        _head(channel.title, channel.description, f"https://t.me/s/{channel.name}")
        + '<body class="widget_frame_base tgme_webpage_body emoji_image">\n'
        '<header class="tgme_header search_collapsed"><div class="tgme_header_search">'
        f'<form class="tgme_header_search_form" action="/s/{channel.name}" method="get">'
        '<input class="tgme_header_search_form_input js-header_search" name="q" placeholder="Search" autocomplete="off"></form></div>'
        f'<div class="tgme_header_right_column"><a class="tgme_header_link" href="https://t.me/{channel.name}">'
        f'<div class="tgme_header_info"><div class="tgme_header_title"><span dir="auto">{escape(channel.title)}</span></div>'
        f'<div class="tgme_header_counter">{channel.subscribers} subscribers</div></div></a></div></header>\n'
        '<main class="tgme_main"><div class="tgme_container">\n'
        '<div class="tgme_channel_info">'
        '<div class="tgme_channel_info_header">'
        f'<i class="tgme_page_photo_image bgcolor2" data-content-len="1"><img src="{PHOTO.format("avatar")}"></i>'
        f'<div class="tgme_channel_info_header_title"><span dir="auto">{escape(channel.title)}</span></div>'
        f'<div class="tgme_channel_info_header_username"><a href="https://t.me/{channel.name}">@{channel.name}</a></div></div>'
        f'<div class="tgme_channel_info_description">{escape(channel.description)}</div>'
        '<div class="tgme_channel_info_counters">'
        f'<div class="tgme_channel_info_counter"><span class="counter_value">{channel.subscribers}</span> <span class="counter_type">subscribers</span></div>'
        f'<div class="tgme_channel_info_counter"><span class="counter_value">{len(channel.posts)}</span> <span class="counter_type">photos</span></div>'
        "</div></div>\n"
        '<section class="tgme_channel_history js-message_history">\n'
        f"{more}\n{messages}\n</section>\n"
        "</div></main>\n"
        '<script src="//telegram.org/js/widget-frame.js?66"></script>\n</body>\n</html>\n'
    )


def landing_page(name: str, channel: Channel | None) -> str:
    """t.me/NAME: a channel's landing page, or a contact page when NAME is no public channel."""
    if channel is None or channel.mode in ("missing", "private"):
        return (
            _head(
                f"Telegram: Contact @{name}", f"You can contact @{name} right away.", f"https://t.me/{name}"
            )
            + '<body><div class="tgme_page_wrap"><div class="tgme_body_wrap"><div class="tgme_page">'
            '<div class="tgme_page_photo"><a href="tg://resolve?domain='
            + name
            + '"><img class="tgme_page_photo_image" '
            'src="https://telegram.org/img/t_logo.svg"></a></div>'
            f'<div class="tgme_page_description">If you have <strong>Telegram</strong>, you can contact <a class="tgme_username_link" '
            f'href="tg://resolve?domain={name}">@{name}</a> right away.</div>'
            f'<div class="tgme_page_action"><a class="tgme_action_button_new shine" href="tg://resolve?domain={name}">Send Message</a></div>'
            "</div></div></div></body></html>\n"
        )
    preview = (
        ""
        if channel.mode == "no_preview"
        else f'<div class="tgme_page_context_link_wrap"><a class="tgme_page_context_link" href="/s/{channel.name}">Preview channel</a></div>'
    )
    return (
        _head(f"Telegram: View @{channel.name}", channel.description, f"https://t.me/{channel.name}")
        + '<body><div class="tgme_page_wrap"><div class="tgme_body_wrap"><div class="tgme_page">'
        f'<div class="tgme_page_photo"><a href="tg://resolve?domain={channel.name}"><img class="tgme_page_photo_image" src="{PHOTO.format("avatar")}"></a></div>'
        f'<div class="tgme_page_title"><span dir="auto">{escape(channel.title)}</span></div>'
        f'<div class="tgme_page_extra">{channel.subscribers} subscribers</div>'
        f'<div class="tgme_page_description" dir="auto">{escape(channel.description)}</div>'
        f'<div class="tgme_page_action"><a class="tgme_action_button_new shine" href="tg://resolve?domain={channel.name}">View in Telegram</a></div>'
        f"{preview}</div></div></div></body></html>\n"
    )


def widget_page(channel: Channel, post: Post | None) -> str:
    """/NAME/ID?embed=1&mode=tme: one post's widget."""
    body = (
        message(channel, post)
        if post is not None
        else '<div class="tgme_widget_message_error">Post not found</div>'
    )
    return (
        '<!DOCTYPE html>\n<html>\n<head>\n<meta charset="utf-8">\n<title>Telegram Widget</title>\n'
        '<link href="//telegram.org/css/widget-frame.css?71" rel="stylesheet">\n</head>\n'
        f'<body class="widget_frame_base emoji_image nodesc tme_mode">\n{body}\n'
        '<script src="//telegram.org/js/widget-frame.js?66"></script>\n</body>\n</html>\n'
    )


CHANGED = (
    '<!DOCTYPE html><html><head><meta charset="utf-8"><title>Telegram</title></head><body>'
    '<div id="app"><div class="chat-list"><div class="message" data-id="1">Нова розмітка</div></div></div>'
    "</body></html>\n"
)


class Telegram(_Local):
    """t.me's web preview for the channels added; every request target in `requests`."""

    def __init__(self) -> None:
        super().__init__()
        self.channels: dict[str, Channel] = {}
        self.requests: list[str] = []
        self.throttle_next = 0
        self.retry_after = "1"
        self.throttled = 0
        self.times: list[float] = []  # when each request came (time.monotonic())
        self._lock = threading.Lock()

    @property
    def base_url(self) -> str:
        return self.origin

    def channel(self, name: str, title: str, posts: Iterable[Post] = (), **options: object) -> Channel:
        channel = Channel(name, title, **options)  # type: ignore[arg-type]
        channel.add(*posts)
        self.channels[name.lower()] = channel
        return channel

    def page_requests(self, name: str) -> list[str]:
        """The /s/NAME pages asked for (their targets, query and all)."""
        prefix = f"/s/{name.lower()}"
        return [target for target in self.requests if urlsplit(target).path.lower() == prefix]

    def handle(self, request: _Handler) -> None:
        with self._lock:
            self.requests.append(request.path)
            self.times.append(time.monotonic())
            throttled = self.throttle_next > 0
            if throttled:
                self.throttle_next -= 1
                self.throttled += 1
        if throttled:
            request.reply(
                429, b"Too Many Requests", {"Retry-After": self.retry_after, "Content-Type": "text/plain"}
            )
            return
        target = urlsplit(request.path)
        query = parse_qs(target.query)
        parts = [part for part in target.path.split("/") if part]
        if len(parts) == 2 and parts[0] == "s":
            channel = self.channels.get(parts[1].lower())
            if channel is None or channel.mode in ("missing", "private", "no_preview"):
                request.reply(302, b"", {"Location": f"/{parts[1]}"})
                return
            if channel.mode == "changed":
                request.reply(200, CHANGED.encode())
                return
            before = int(query["before"][0]) if "before" in query else None
            request.reply(200, channel_page(channel, before).encode())
            return
        if len(parts) == 1:
            request.reply(200, landing_page(parts[0], self.channels.get(parts[0].lower())).encode())
            return
        if len(parts) == 2 and parts[1].isdigit():
            channel = self.channels.get(parts[0].lower())
            if channel is None or channel.mode != "ok":
                request.reply(200, widget_page(Channel(parts[0], parts[0]), None).encode())
                return
            request.reply(200, widget_page(channel, channel.post(int(parts[1]))).encode())
            return
        request.reply(404, b"<h1>Not found</h1>")
