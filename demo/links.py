"""Links for demo orders that point where the service's platform lives."""

import zlib

_LINKS = {
    "instagram": "https://instagram.com/p/{tag}",
    "tiktok": "https://www.tiktok.com/@smmdash/video/{number}",
    "youtube": "https://www.youtube.com/watch?v={tag}",
    "telegram": "https://t.me/smmdash_{tag}",
    "twitter": "https://x.com/smmdash/status/{number}",
    "facebook": "https://www.facebook.com/smmdash/posts/{number}",
    "threads": "https://www.threads.net/@smmdash/post/{tag}",
    "spotify": "https://open.spotify.com/track/{tag}",
    "twitch": "https://www.twitch.tv/smmdash_{tag}",
    "discord": "https://discord.gg/{tag}",
    "linkedin": "https://www.linkedin.com/posts/smmdash_{tag}",
    "vk": "https://vk.com/wall-1_{number}",
    "soundcloud": "https://soundcloud.com/smmdash/{tag}",
    "pinterest": "https://www.pinterest.com/pin/{number}",
    "snapchat": "https://www.snapchat.com/add/smmdash_{tag}",
    "reddit": "https://www.reddit.com/r/smmdash/comments/{tag}",
    "kick": "https://kick.com/smmdash_{tag}",
}


def demo_link(service, tag: str) -> str:
    """A link on `service`'s platform (a page of this project's own where it names none)."""
    template = _LINKS.get(service.platform, "https://smmdash.example/demo/{tag}")
    number = zlib.crc32(tag.encode()) * 1000 + 7
    return template.format(tag=tag.replace("_", "-"), number=number)
