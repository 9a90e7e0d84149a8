"""What a catalog service is, read from its name and category: platform, kind and attributes.

Panels name the same product in their own words and languages ("Instagram Followers [Real]
[Refill 30D]", "IG - Followers | Refill 30 days | Real", "Подписчики Instagram [Реальные]
[Гарантия 30 дней]"). `classify` reduces each to the same `Labels`, so equivalent services
across panels can be lined up. Plain Python: no Django, so it can be tested on its own and run
over a whole catalog in bulk.

Every vocabulary is an ordered table: the first entry that matches wins, so the more specific
phrases ("reels views", "page likes") come before the general ones ("views", "likes").
"""

import re
from dataclasses import asdict, dataclass

LIFETIME = 36_500  # refill_days of a "lifetime" refill guarantee


@dataclass(frozen=True)
class Labels:
    platform: str = ""
    kind: str = ""
    quality: str = ""
    # True: the name promises a refill; False: it says there is none; None: it does not say.
    refill_in_name: bool | None = None
    refill_days: int | None = None  # 0 for no refill, LIFETIME for lifetime, None if unstated
    geo: str = ""
    speed: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


FIELDS = tuple(Labels.__dataclass_fields__)


def _words(*patterns: str) -> re.Pattern:
    """One regex matching any of `patterns` as whole words (Latin or Cyrillic)."""
    return re.compile(r"(?<![\w])(?:" + "|".join(patterns) + r")(?![\w])")


PLATFORMS = {
    # key: (label, whole-word patterns)
    "instagram": ("Instagram", _words(r"instagram", r"insta", r"ig", r"инстаграм\w*", r"инста")),
    "tiktok": ("TikTok", _words(r"tik\s*-?tok", r"tt", r"тик\s*-?ток")),
    "youtube": ("YouTube", _words(r"you\s*tube", r"yt", r"ютуб\w*", r"ютьюб\w*")),
    "telegram": ("Telegram", _words(r"telegram", r"tg", r"телеграм\w*", r"телег[аи]")),
    "facebook": ("Facebook", _words(r"facebook", r"fb", r"ф[еэ]йсбук\w*")),
    "twitter": ("Twitter / X", _words(r"twitter", r"x", r"x\.com", r"твит+ер\w*")),
    "threads": ("Threads", _words(r"threads")),
    "spotify": ("Spotify", _words(r"spotify", r"спотифай")),
    "twitch": ("Twitch", _words(r"twitch", r"твич\w*")),
    "discord": ("Discord", _words(r"discord", r"дискорд\w*")),
    "linkedin": ("LinkedIn", _words(r"linked\s*in", r"линкедин\w*")),
    "vk": ("VK", _words(r"vk", r"vkontakte", r"вконтакте", r"вк")),
    "soundcloud": ("SoundCloud", _words(r"sound\s*cloud")),
    "pinterest": ("Pinterest", _words(r"pinterest")),
    "snapchat": ("Snapchat", _words(r"snapchat", r"snap")),
    "reddit": ("Reddit", _words(r"reddit")),
    "kick": ("Kick", _words(r"kick")),
}

KINDS = {
    # key: (label, patterns), most specific first
    "live_viewers": (
        "Live viewers",
        _words(
            r"live\s*-?\s*stream\w*",
            r"live\s*view\w*",
            r"stream\s*viewers?",
            r"зрител\w*",
            r"эфир\w*",
            r"трансляци\w*",
            r"стрим\w*",
        ),
    ),
    "watch_hours": (
        "Watch hours",
        _words(r"watch\s*hours?", r"watch\s*time", r"час\w*\s*просмотр\w*"),
    ),
    "story_views": (
        "Story views",
        _words(r"stor(?:y|ies)\s*views?", r"просмотр\w*\s*(?:истори\w*|сторис)", r"сторис"),
    ),
    "reels_views": ("Reels views", _words(r"reels?\s*(?:video\s*)?views?", r"просмотр\w*\s*reels")),
    "auto_likes": ("Auto likes", _words(r"auto\s*-?\s*likes?", r"автолайк\w*")),
    "page_likes": (
        "Page likes",
        _words(r"(?:fan\s*)?page\s*likes?", r"лайк\w*\s*(?:на\s*)?страниц\w*"),
    ),
    "poll_votes": (
        "Poll votes",
        _words(r"poll\s*votes?", r"poll", r"votes?", r"голос\w*", r"опрос\w*"),
    ),
    "monthly_listeners": ("Monthly listeners", _words(r"monthly\s*listeners?", r"слушател\w*")),
    "plays": ("Plays", _words(r"plays?", r"streams", r"прослушиван\w*")),
    "mentions": ("Mentions", _words(r"mentions?", r"упоминан\w*")),
    "comments": ("Comments", _words(r"comments?", r"коммент\w*", r"отзыв\w*")),
    "shares": (
        "Shares / reposts",
        _words(r"shares?", r"re-?posts?", r"re-?tweets?", r"репост\w*", r"ретвит\w*"),
    ),
    "saves": ("Saves", _words(r"saves?", r"bookmarks?", r"сохранени\w*", r"закладк\w*")),
    "reactions": ("Reactions", _words(r"reactions?", r"реакци\w*")),
    "members": ("Members", _words(r"members?", r"участник\w*")),
    "subscribers": ("Subscribers", _words(r"subscribers?", r"subs")),
    "followers": ("Followers", _words(r"followers?", r"follows?", r"подписчик\w*", r"фол+овер\w*")),
    "likes": ("Likes", _words(r"likes?", r"hearts?", r"лайк\w*")),
    "views": ("Views", _words(r"views?", r"просмотр\w*", r"impressions?", r"показ\w*")),
}

# Panels call one audience by several names; each platform's own word is the one kept.
_SAME_AUDIENCE = {
    "youtube": {"followers": "subscribers"},
    "telegram": {"followers": "members", "subscribers": "members"},
}
_AUDIENCE_DEFAULT = {"subscribers": "followers"}

QUALITIES = {
    "non_drop": (
        "Non-drop",
        _words(
            r"non\s*-?\s*drop",
            r"no\s*-?\s*drop",
            r"nondrop",
            r"без\s*списани\w*",
            r"без\s*отпис\w*",
            r"стабильн\w*",
        ),
    ),
    "real": (
        "Real",
        _words(r"real", r"реальн\w*", r"живы\w*", r"active", r"активн\w*", r"organic"),
    ),
    "hq": (
        "High quality",
        _words(r"hq", r"high\s*quality", r"premium", r"качествен\w*", r"премиум"),
    ),
    "bot": ("Bots", _words(r"bots?", r"бот\w*", r"lq", r"low\s*quality", r"fake")),
}

GEOS = {
    "USA": _words(r"usa", r"united\s*states", r"americ\w*", r"сша", r"америк\w*"),
    "UK": _words(r"uk", r"united\s*kingdom", r"british", r"великобритани\w*"),
    "India": _words(r"india", r"indian", r"инди[яи]", r"индийск\w*"),
    "Brazil": _words(r"brazil\w*", r"бразили\w*"),
    "Arab": _words(r"arab\w*", r"араб\w*"),
    "Russia": _words(r"russia\w*", r"росси\w*", r"рф", r"русск\w*"),
    "Turkey": _words(r"turk\w*", r"турци\w*", r"турецк\w*"),
    "Germany": _words(r"german\w*", r"германи\w*", r"немецк\w*"),
    "France": _words(r"france", r"french", r"франци\w*"),
    "Indonesia": _words(r"indonesia\w*", r"индонези\w*"),
    "Europe": _words(r"europe\w*", r"европ\w*"),
    "Asia": _words(r"asia\w*", r"ази[яи]", r"азиатск\w*"),
}

_NO_REFILL = _words(
    r"no\s*refill",
    r"without\s*refill",
    r"non\s*-?\s*refill",
    r"refill\s*:?\s*no",
    r"без\s*(?:гаранти\w*|рефил+\w*|восстановлени\w*)",
)
_LIFETIME = _words(
    r"lifetime(?:\s*refill)?",
    r"life\s*time",
    r"refill\s*forever",
    r"forever",
    r"гаранти\w*\s*навсегда",
    r"навсегда",
    r"пожизненн\w*",
)
_UNIT = r"(?P<unit>d|days?|дн\w*|день|m|months?|мес\w*|y|years?|год\w*)"
_REFILL_WORD = r"(?:refill|guarantee|гаранти\w*|рефил+\w*|восстановлени\w*)"
_REFILL_PERIOD = [
    re.compile(_REFILL_WORD + r"\s*[:\-]?\s*(?P<n>\d{1,4})\s*" + _UNIT + r"?(?![\w])"),
    re.compile(r"(?<![\w])(?P<n>\d{1,4})\s*" + _UNIT + r"\s*" + _REFILL_WORD),
    re.compile(r"(?<![\w])r(?P<n>\d{1,4})(?![\w])"),
]
_REFILL_STATED = _words(_REFILL_WORD)
_DAYS_PER = {"m": 30, "y": 365, "г": 365, "м": 30}

_SPEED = re.compile(
    r"(?P<n>\d+(?:[.,]\d+)?)\s*(?P<mult>k|к|m|м)?\s*(?:/|per\s*|в\s*)\s*(?:day|d|день|сутки|сут)"
)
_INSTANT = _words(r"instant\w*", r"мгновенн\w*", r"моментальн\w*")


def classify(name: str, category: str = "") -> Labels:
    """The labels of a service called `name` in `category` (empty where they do not say)."""
    name_text, category_text = _normal(name), _normal(category)
    both = f"{name_text} | {category_text}"
    platform = _first_of(PLATFORMS, name_text) or _first_of(PLATFORMS, category_text)
    kind = _first_listed(KINDS, name_text) or _first_listed(KINDS, category_text)
    refill_in_name, refill_days = _refill(name_text)
    if refill_in_name is None:
        refill_in_name, refill_days = _refill(category_text)
    return Labels(
        platform=platform,
        kind=audience(platform, kind),
        quality=_first_listed(QUALITIES, both),
        refill_in_name=refill_in_name,
        refill_days=refill_days,
        geo=_first_match(GEOS, name_text) or _first_match(GEOS, category_text),
        speed=_speed(both),
    )


def audience(platform: str, kind: str) -> str:
    """`kind` under the name `platform` uses for it (a YouTube follower is a subscriber)."""
    renames = _SAME_AUDIENCE.get(platform, _AUDIENCE_DEFAULT)
    return renames.get(kind, kind)


def _normal(text: str) -> str:
    text = (text or "").lower().replace("ё", "е")
    return re.sub(r"\s+", " ", text)


def _first_of(table: dict, text: str) -> str:
    """The key whose pattern matches earliest in `text` (the name's first word is its subject)."""
    best, best_at = "", None
    for key, (_, pattern) in table.items():
        found = pattern.search(text)
        if found and (best_at is None or found.start() < best_at):
            best, best_at = key, found.start()
    return best


def _first_listed(table: dict, text: str) -> str:
    """The first key in table order that matches: the most specific kind ("Likes + Views" are
    likes), the strongest quality ("Premium Non Drop" is non-drop)."""
    for key, (_, pattern) in table.items():
        if pattern.search(text):
            return key
    return ""


def _first_match(table: dict, text: str) -> str:
    return next((key for key, pattern in table.items() if pattern.search(text)), "")


def _refill(text: str) -> tuple[bool | None, int | None]:
    if _NO_REFILL.search(text):
        return False, 0
    if _LIFETIME.search(text):
        return True, LIFETIME
    for pattern in _REFILL_PERIOD:
        found = pattern.search(text)
        if found:
            unit = (found.groupdict().get("unit") or "d")[0]
            return True, int(found["n"]) * _DAYS_PER.get(unit, 1)
    if _REFILL_STATED.search(text) or "♻" in text:
        return True, None
    return None, None


def _speed(text: str) -> str:
    if _INSTANT.search(text):
        return "instant"
    found = _SPEED.search(text)
    if not found:
        return ""
    number = found["n"].replace(",", ".")
    multiplier = {"k": "K", "к": "K", "m": "M", "м": "M"}.get(found["mult"] or "", "")
    return f"{number}{multiplier}/day"


def label_of(table: dict, key: str) -> str:
    entry = table.get(key)
    return entry[0] if entry else ""


def refill_words(refill_in_name: bool | None, refill_days: int | None) -> str:
    """How a refill promise reads: "30-day refill", "Lifetime refill", "No refill" or ""."""
    if refill_in_name is None:
        return ""
    if not refill_in_name:
        return "No refill"
    if refill_days == LIFETIME:
        return "Lifetime refill"
    if refill_days:
        return f"{refill_days}-day refill"
    return "Refill"


def describe(labels: Labels) -> str:
    """A short English description: "Instagram Followers · Real · 30-day refill · USA"."""
    parts = [
        " ".join(
            part
            for part in (label_of(PLATFORMS, labels.platform), label_of(KINDS, labels.kind))
            if part
        ),
        label_of(QUALITIES, labels.quality),
        refill_words(labels.refill_in_name, labels.refill_days),
        labels.geo,
        labels.speed,
    ]
    return " · ".join(part for part in parts if part)
