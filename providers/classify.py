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
from collections import defaultdict
from dataclasses import asdict, dataclass
from functools import lru_cache
from typing import NamedTuple

from django.utils.translation import gettext


def gettext_noop(label: str) -> str:
    """Marks a label for the translation catalog (makemessages knows the name) without
    Django's settings, so labelling runs in plain Python too; label_of translates it."""
    return label


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

    def as_tuple(self) -> tuple:
        """The labels in the order of FIELDS (dataclasses.astuple deep-copies each one)."""
        return tuple(getattr(self, name) for name in FIELDS)


FIELDS = tuple(Labels.__dataclass_fields__)


def _words(*patterns: str) -> re.Pattern:
    """One regex matching any of `patterns` as whole words (Latin or Cyrillic). Each starts
    with a letter, so \\b can open it: a scan then passes over the inside of words at once."""
    return re.compile(r"\b(?:" + "|".join(patterns) + r")(?!\w)")


def _spellings(*patterns: str) -> tuple[str, ...]:
    """A vocabulary entry's spellings: regexes for whole words, each starting with a letter
    written as itself (the vocabulary's scan picks the spellings to try by that letter)."""
    for pattern in patterns:
        if not pattern[0].isalpha() or pattern[1:2] in ("?", "*", "{"):
            raise ValueError(f"{pattern!r} does not start with a plain letter")
    return patterns


PLATFORMS = {
    # key: (label, whole-word patterns)
    "instagram": (
        gettext_noop("Instagram"),
        _spellings(r"instagram", r"insta", r"ig", r"инстаграм\w*", r"инста"),
    ),
    "tiktok": (gettext_noop("TikTok"), _spellings(r"tik\s*-?tok", r"tt", r"тик\s*-?ток")),
    "youtube": (gettext_noop("YouTube"), _spellings(r"you\s*tube", r"yt", r"ютуб\w*", r"ютьюб\w*")),
    "telegram": (
        gettext_noop("Telegram"),
        _spellings(r"telegram", r"tg", r"телеграм\w*", r"телег[аи]"),
    ),
    "facebook": (gettext_noop("Facebook"), _spellings(r"facebook", r"fb", r"ф[еэ]йсбук\w*")),
    "twitter": (
        gettext_noop("Twitter / X"),
        _spellings(r"twitter", r"x", r"x\.com", r"твит+ер\w*"),
    ),
    "threads": (gettext_noop("Threads"), _spellings(r"threads")),
    "spotify": (gettext_noop("Spotify"), _spellings(r"spotify", r"спотифай")),
    "twitch": (gettext_noop("Twitch"), _spellings(r"twitch", r"твич\w*")),
    "discord": (gettext_noop("Discord"), _spellings(r"discord", r"дискорд\w*")),
    "linkedin": (gettext_noop("LinkedIn"), _spellings(r"linked\s*in", r"линкедин\w*")),
    "vk": (gettext_noop("VK"), _spellings(r"vk", r"vkontakte", r"вконтакте", r"вк")),
    "soundcloud": (gettext_noop("SoundCloud"), _spellings(r"sound\s*cloud")),
    "pinterest": (gettext_noop("Pinterest"), _spellings(r"pinterest")),
    "snapchat": (gettext_noop("Snapchat"), _spellings(r"snapchat", r"snap")),
    "reddit": (gettext_noop("Reddit"), _spellings(r"reddit")),
    "kick": (gettext_noop("Kick"), _spellings(r"kick")),
}

KINDS = {
    # key: (label, patterns), most specific first
    "live_viewers": (
        gettext_noop("Live viewers"),
        _spellings(
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
        gettext_noop("Watch hours"),
        _spellings(r"watch\s*hours?", r"watch\s*time", r"час\w*\s*просмотр\w*"),
    ),
    "story_views": (
        gettext_noop("Story views"),
        _spellings(r"stor(?:y|ies)\s*views?", r"просмотр\w*\s*(?:истори\w*|сторис)", r"сторис"),
    ),
    "reels_views": (
        gettext_noop("Reels views"),
        _spellings(r"reels?\s*(?:video\s*)?views?", r"просмотр\w*\s*reels"),
    ),
    "auto_likes": (gettext_noop("Auto likes"), _spellings(r"auto\s*-?\s*likes?", r"автолайк\w*")),
    "page_likes": (
        gettext_noop("Page likes"),
        _spellings(r"fan\s*page\s*likes?", r"page\s*likes?", r"лайк\w*\s*(?:на\s*)?страниц\w*"),
    ),
    "poll_votes": (
        gettext_noop("Poll votes"),
        _spellings(r"poll\s*votes?", r"poll", r"votes?", r"голос\w*", r"опрос\w*"),
    ),
    "monthly_listeners": (
        gettext_noop("Monthly listeners"),
        _spellings(r"monthly\s*listeners?", r"слушател\w*"),
    ),
    "plays": (gettext_noop("Plays"), _spellings(r"plays?", r"streams", r"прослушиван\w*")),
    "mentions": (gettext_noop("Mentions"), _spellings(r"mentions?", r"упоминан\w*")),
    "comments": (gettext_noop("Comments"), _spellings(r"comments?", r"коммент\w*", r"отзыв\w*")),
    "shares": (
        gettext_noop("Shares / reposts"),
        _spellings(r"shares?", r"re-?posts?", r"re-?tweets?", r"репост\w*", r"ретвит\w*"),
    ),
    "saves": (
        gettext_noop("Saves"),
        _spellings(r"saves?", r"bookmarks?", r"сохранени\w*", r"закладк\w*"),
    ),
    "reactions": (gettext_noop("Reactions"), _spellings(r"reactions?", r"реакци\w*")),
    "members": (gettext_noop("Members"), _spellings(r"members?", r"участник\w*")),
    "subscribers": (gettext_noop("Subscribers"), _spellings(r"subscribers?", r"subs")),
    "followers": (
        gettext_noop("Followers"),
        _spellings(r"followers?", r"follows?", r"подписчик\w*", r"фол+овер\w*"),
    ),
    "likes": (gettext_noop("Likes"), _spellings(r"likes?", r"hearts?", r"лайк\w*")),
    "views": (
        gettext_noop("Views"),
        _spellings(r"views?", r"просмотр\w*", r"impressions?", r"показ\w*"),
    ),
}

# Panels call one audience by several names; each platform's own word is the one kept.
_SAME_AUDIENCE = {
    "youtube": {"followers": "subscribers"},
    "telegram": {"followers": "members", "subscribers": "members"},
}
_AUDIENCE_DEFAULT = {"subscribers": "followers"}

QUALITIES = {
    "non_drop": (
        gettext_noop("Non-drop"),
        _spellings(
            r"non\s*-?\s*drop",
            r"no\s*-?\s*drop",
            r"nondrop",
            r"без\s*списани\w*",
            r"без\s*отпис\w*",
            r"стабильн\w*",
        ),
    ),
    "real": (
        gettext_noop("Real"),
        _spellings(r"real", r"реальн\w*", r"живы\w*", r"active", r"активн\w*", r"organic"),
    ),
    "hq": (
        gettext_noop("High quality"),
        _spellings(r"hq", r"high\s*quality", r"premium", r"качествен\w*", r"премиум"),
    ),
    "bot": (
        gettext_noop("Bots"),
        _spellings(r"bots?", r"бот\w*", r"lq", r"low\s*quality", r"fake"),
    ),
}

GEOS = {
    "USA": _spellings(r"usa", r"united\s*states", r"americ\w*", r"сша", r"америк\w*"),
    "UK": _spellings(r"uk", r"united\s*kingdom", r"british", r"великобритани\w*"),
    "India": _spellings(r"india", r"indian", r"инди[яи]", r"индийск\w*"),
    "Brazil": _spellings(r"brazil\w*", r"бразили\w*"),
    "Arab": _spellings(r"arab\w*", r"араб\w*"),
    "Russia": _spellings(r"russia\w*", r"росси\w*", r"рф", r"русск\w*"),
    "Turkey": _spellings(r"turk\w*", r"турци\w*", r"турецк\w*"),
    "Germany": _spellings(r"german\w*", r"германи\w*", r"немецк\w*"),
    "France": _spellings(r"france", r"french", r"франци\w*"),
    "Indonesia": _spellings(r"indonesia\w*", r"индонези\w*"),
    "Europe": _spellings(r"europe\w*", r"европ\w*"),
    "Asia": _spellings(r"asia\w*", r"ази[яи]", r"азиатск\w*"),
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
    """The labels of a service called `name` in `category` (empty where they do not say).

    What the name says wins over what the category says, except for quality, where the
    strongest named in either wins, and speed, where "instant" in either wins.
    """
    own, shared = _read(_normal(name)), _read_category(category)
    platform = own.platform or shared.platform
    refill_in_name, refill_days = own.refill if own.refill[0] is not None else shared.refill
    return Labels(
        platform=platform,
        kind=audience(platform, own.kind or shared.kind),
        quality=min(own.quality, shared.quality, key=_QUALITY_RANK),
        refill_in_name=refill_in_name,
        refill_days=refill_days,
        geo=own.geo or shared.geo,
        speed="instant" if "instant" in (own.speed, shared.speed) else own.speed or shared.speed,
    )


class _Reading(NamedTuple):
    """What one text (a name or a category) says."""

    platform: str
    kind: str
    quality: str
    refill: tuple[bool | None, int | None]
    geo: str
    speed: str


def _read(text: str) -> _Reading:
    return _Reading(
        platform=_PLATFORMS.earliest(text),
        kind=_KINDS.first_listed(text),
        quality=_QUALITIES.first_listed(text),
        refill=_refill(text),
        geo=_GEOS.first_listed(text),
        speed=_speed(text),
    )


@lru_cache(maxsize=4096)
def _read_category(category: str) -> _Reading:
    # A catalog has thousands of services but tens or hundreds of categories.
    return _read(_normal(category))


def _QUALITY_RANK(key: str) -> int:
    return QUALITY_ORDER.get(key, len(QUALITY_ORDER))


def audience(platform: str, kind: str) -> str:
    """`kind` under the name `platform` uses for it (a YouTube follower is a subscriber)."""
    renames = _SAME_AUDIENCE.get(platform, _AUDIENCE_DEFAULT)
    return renames.get(kind, kind)


def _normal(text: str) -> str:
    return " ".join((text or "").lower().replace("ё", "е").split())


class _Vocabulary:
    """A vocabulary table compiled to one regex, so that searching a text costs one scan
    instead of one per entry (which was most of what labelling a catalog cost).

    Spellings are grouped by their first letter, `l(?:...)|s(?:...)`, so at each word start
    the regex engine tries only those starting with the letter there, each in a group named
    after its entry: of the entries matching at one place, it finds the first listed.
    """

    def __init__(self, table: dict):
        self.keys = list(table)
        self._rank = {}  # group name: the entry's position in the table
        by_letter = defaultdict(list)
        for rank, entry in enumerate(table.values()):
            spellings = entry[1] if isinstance(entry[1], tuple) else entry  # (label, spellings)
            for spelling in spellings:
                if re.compile(spelling).groups:
                    raise ValueError(f"{spelling!r}: spellings take no groups")
                group = f"e{len(self._rank)}"
                self._rank[group] = rank
                by_letter[spelling[0]].append(f"(?P<{group}>{spelling[1:]})")
        letters = "|".join(
            f"{letter}(?:{'|'.join(groups)})" for letter, groups in by_letter.items()
        )
        self.pattern = re.compile(rf"\b(?:{letters})(?!\w)")

    def earliest(self, text: str) -> str:
        """The key whose pattern matches earliest in `text` (a name's first word is its
        subject); of two matching at the same place, the first listed."""
        found = self.pattern.search(text)
        return self.keys[self._rank[found.lastgroup]] if found else ""

    def first_listed(self, text: str) -> str:
        """The first key in table order that matches anywhere: the most specific kind
        ("Likes + Views" are likes), the strongest quality ("Premium Non Drop" is non-drop)."""
        best, start = len(self.keys), 0
        while start is not None:
            resume, start = start, None
            for found in self.pattern.finditer(text, resume):
                best = min(best, self._rank[found.lastgroup])
                if best == 0:
                    break
                if not found.group().isalnum():
                    # A phrase ("live stream"): an entry listed earlier may start inside it.
                    start = found.start() + 1
                    break
        return self.keys[best] if best < len(self.keys) else ""


QUALITY_ORDER = {key: rank for rank, key in enumerate(QUALITIES)}
_PLATFORMS = _Vocabulary(PLATFORMS)
_KINDS = _Vocabulary(KINDS)
_QUALITIES = _Vocabulary(QUALITIES)
_GEOS = _Vocabulary(GEOS)


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
    """The key's label in the page's language (the tables hold them in English)."""
    entry = table.get(key)
    return gettext(entry[0]) if entry else ""


def refill_words(refill_in_name: bool | None, refill_days: int | None) -> str:
    """How a refill promise reads: "30-day refill", "Lifetime refill", "No refill" or ""."""
    if refill_in_name is None:
        return ""
    if not refill_in_name:
        return gettext("No refill")
    if refill_days == LIFETIME:
        return gettext("Lifetime refill")
    if refill_days:
        return gettext("{days}-day refill").format(days=refill_days)
    return gettext("Refill")


def describe(labels: Labels) -> str:
    """A short description: "Instagram Followers · Real · 30-day refill · USA"."""
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
