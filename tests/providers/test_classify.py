"""Classification of catalog services by platform, kind and attributes, from real-looking names.

The names are in the styles panels publish: bracketed tags, pipes, emoji, short platform
codes, Russian. Each row is (name, category, expected labels); a label the row leaves out is
expected empty.
"""

import pytest

from providers.classify import LIFETIME, Labels, classify, describe
from simulator import catalog, dialects

NAMES = [
    # English, the common bracketed style
    (
        "Instagram Followers [Real] [Refill 30D] [10K/Day]",
        "Instagram - Followers",
        dict(
            platform="instagram",
            kind="followers",
            quality="real",
            refill_in_name=True,
            refill_days=30,
            speed="10K/day",
        ),
    ),
    (
        "Instagram Followers [Real] [Refill 30 Days] [Max 50K]",
        "",
        dict(
            platform="instagram",
            kind="followers",
            quality="real",
            refill_in_name=True,
            refill_days=30,
        ),
    ),
    (
        "IG - Followers | Refill 30 days | HQ",
        "Instagram Followers ♻️",
        dict(
            platform="instagram",
            kind="followers",
            quality="hq",
            refill_in_name=True,
            refill_days=30,
        ),
    ),
    (
        "Instagram Likes + Views [Instant] [No Refill]",
        "Instagram Likes",
        dict(
            platform="instagram", kind="likes", refill_in_name=False, refill_days=0, speed="instant"
        ),
    ),
    (
        "Instagram Reels Views | Premium Non Drop | No Refill ⛔ | Speed 10K/Day",
        "",
        dict(
            platform="instagram",
            kind="reels_views",
            quality="non_drop",
            refill_in_name=False,
            refill_days=0,
            speed="10K/day",
        ),
    ),
    (
        "Instagram Story Views [All Stories] 🔥",
        "Instagram Story",
        dict(platform="instagram", kind="story_views"),
    ),
    (
        "Instagram Auto Likes [Future 10 Posts]",
        "Instagram Auto",
        dict(platform="instagram", kind="auto_likes"),
    ),
    (
        "Instagram Custom Comments [USA] [Real]",
        "Instagram Comments",
        dict(platform="instagram", kind="comments", quality="real", geo="USA"),
    ),
    (
        "Instagram Followers [Bots] [R30]",
        "",
        dict(
            platform="instagram",
            kind="followers",
            quality="bot",
            refill_in_name=True,
            refill_days=30,
        ),
    ),
    (
        "TikTok Views [Max 100M] [Start: 0-1 Hour]",
        "TikTok Views",
        dict(platform="tiktok", kind="views"),
    ),
    (
        "TT - Likes | Refill 90 days | Real | Brazil",
        "TikTok Likes",
        dict(
            platform="tiktok",
            kind="likes",
            quality="real",
            refill_in_name=True,
            refill_days=90,
            geo="Brazil",
        ),
    ),
    (
        "Tik Tok Live Stream Views [15 Minutes]",
        "TikTok Live",
        dict(platform="tiktok", kind="live_viewers"),
    ),
    (
        "TikTok Shares [Lifetime Refill]",
        "",
        dict(platform="tiktok", kind="shares", refill_in_name=True, refill_days=LIFETIME),
    ),
    (
        "YouTube Subscribers [Non Drop] [Refill 365 Days]",
        "YouTube Subscribers",
        dict(
            platform="youtube",
            kind="subscribers",
            quality="non_drop",
            refill_in_name=True,
            refill_days=365,
        ),
    ),
    (
        "YT - Views | Refill 1 month | Real",
        "YouTube",
        dict(platform="youtube", kind="views", quality="real", refill_in_name=True, refill_days=30),
    ),
    (
        "YouTube Watch Hours Package [4000 Hours]",
        "YouTube Watch Time",
        dict(platform="youtube", kind="watch_hours"),
    ),
    ("Youtube Livestream Viewers [30 Minutes]", "", dict(platform="youtube", kind="live_viewers")),
    (
        "Telegram Channel Members [Real] [30 Days Refill]",
        "Telegram",
        dict(
            platform="telegram", kind="members", quality="real", refill_in_name=True, refill_days=30
        ),
    ),
    (
        "Telegram Post Views [Last 10 Posts]",
        "Telegram Views",
        dict(platform="telegram", kind="views"),
    ),
    (
        "TG - Subscribers | No refill | Russia",
        "",
        dict(
            platform="telegram", kind="members", refill_in_name=False, refill_days=0, geo="Russia"
        ),
    ),
    ("Telegram Poll Votes", "", dict(platform="telegram", kind="poll_votes")),
    (
        "Facebook Page Likes [Refill 60D]",
        "Facebook",
        dict(platform="facebook", kind="page_likes", refill_in_name=True, refill_days=60),
    ),
    (
        "FB - Post Likes | No refill | HQ",
        "Facebook Post Likes",
        dict(platform="facebook", kind="likes", quality="hq", refill_in_name=False, refill_days=0),
    ),
    (
        "Twitter Followers [Refill 30D]",
        "",
        dict(platform="twitter", kind="followers", refill_in_name=True, refill_days=30),
    ),
    (
        "X - Retweets | Refill 90 days | HQ",
        "Twitter Retweets ♻️",
        dict(platform="twitter", kind="shares", quality="hq", refill_in_name=True, refill_days=90),
    ),
    (
        "Spotify Plays [USA] [Premium]",
        "Spotify",
        dict(platform="spotify", kind="plays", quality="hq", geo="USA"),
    ),
    ("Spotify Monthly Listeners", "", dict(platform="spotify", kind="monthly_listeners")),
    ("Discord Server Members [Online]", "", dict(platform="discord", kind="members")),
    (
        "Twitch Followers ♻️",
        "Twitch",
        dict(platform="twitch", kind="followers", refill_in_name=True),
    ),
    # Russian
    (
        "Подписчики Instagram [Реальные] [Гарантия 30 дней]",
        "Instagram",
        dict(
            platform="instagram",
            kind="followers",
            quality="real",
            refill_in_name=True,
            refill_days=30,
        ),
    ),
    (
        "Подписчики YouTube [Без гарантии]",
        "YouTube",
        dict(platform="youtube", kind="subscribers", refill_in_name=False, refill_days=0),
    ),
    (
        "Просмотры ТикТок [Боты] [Без гарантии]",
        "ТикТок",
        dict(platform="tiktok", kind="views", quality="bot", refill_in_name=False, refill_days=0),
    ),
    (
        "Лайки страницы Facebook [Бразилия] [Реальные] [Гарантия навсегда]",
        "Facebook",
        dict(
            platform="facebook",
            kind="page_likes",
            quality="real",
            refill_in_name=True,
            refill_days=LIFETIME,
            geo="Brazil",
        ),
    ),
    (
        "Участники Телеграм канала [Премиум, без списаний]",
        "Телеграм",
        dict(platform="telegram", kind="members", quality="non_drop"),
    ),
    ("Просмотры историй Инстаграм", "", dict(platform="instagram", kind="story_views")),
    ("Зрители эфира ТикТок [30 минут]", "", dict(platform="tiktok", kind="live_viewers")),
    (
        "Ретвиты Твиттер (X) [Качественные] [Гарантия 90 дней]",
        "Твиттер (X)",
        dict(platform="twitter", kind="shares", quality="hq", refill_in_name=True, refill_days=90),
    ),
    ("Голоса в опросе Телеграм", "", dict(platform="telegram", kind="poll_votes")),
    ("Пакет часов просмотра YouTube", "", dict(platform="youtube", kind="watch_hours")),
    (
        "Лайки ВКонтакте [Живые] [Гарантия 1 месяц] [5к/день]",
        "ВКонтакте",
        dict(
            platform="vk",
            kind="likes",
            quality="real",
            refill_in_name=True,
            refill_days=30,
            speed="5K/day",
        ),
    ),
    ("Индивидуальные комментарии Instagram", "", dict(platform="instagram", kind="comments")),
    # Names that say little: what is not said stays empty
    ("Followers [Cheapest]", "Instagram Services", dict(platform="instagram", kind="followers")),
    ("Website Traffic from Google", "Traffic", dict()),
]


@pytest.mark.parametrize(("name", "category", "expected"), NAMES, ids=[n for n, _, _ in NAMES])
def test_real_looking_names(name, category, expected):
    assert classify(name, category) == Labels(**expected)


@pytest.mark.parametrize("slug", list(dialects.DIALECTS))
def test_every_simulated_product_is_recognised_at_every_panel(slug):
    """The five panels name 43 products their own way; each reads as one platform and kind,
    and no two products read the same."""
    seen = {}
    for service in catalog.build(dialects.DIALECTS[slug], "classification"):
        labels = classify(service.name, service.category)
        product = (service.variant.product.platform, service.variant.product.kind)
        assert labels.platform and labels.kind, service.name
        assert seen.setdefault((labels.platform, labels.kind), product) == product, service.name
        assert labels.refill_in_name is (service.variant.refill_days > 0)


def test_a_description_reads_the_same_whatever_the_panel_language():
    english = classify("Instagram Followers [USA] [Real] [Refill 30D] [1K/Day]")
    russian = classify("Подписчики Instagram [США] [Реальные] [Гарантия 30 дней] [1к/день]")
    assert describe(english) == describe(russian)
    assert describe(english) == "Instagram Followers · Real · 30-day refill · USA · 1K/day"
