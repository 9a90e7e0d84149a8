"""Realistic catalogs for the five simulated panels.

The same products (Instagram followers, TikTok views, ...) appear at every panel under that
panel's own naming style, language, prices and currency, so comparing prices across panels has
something to find. Everything is derived from a seeded random generator: the same panel always
gets the same catalog.
"""

import random
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal


@dataclass(frozen=True)
class Product:
    platform: str
    kind: str
    usd_per_1000: Decimal
    min: int
    max: int
    type: str = "Default"
    refills: bool = True  # whether refill variants exist for it
    dripfeed: bool = False


def _products():
    rows = [
        # platform, kind, base USD per 1000, min, max, type, refills, dripfeed
        ("Instagram", "Followers", "1.20", 10, 500_000, "Default", True, False),
        ("Instagram", "Likes", "0.25", 10, 200_000, "Default", True, True),
        ("Instagram", "Views", "0.03", 100, 10_000_000, "Default", False, True),
        ("Instagram", "Reels Views", "0.04", 100, 10_000_000, "Default", False, True),
        ("Instagram", "Story Views", "0.15", 100, 100_000, "Default", False, False),
        ("Instagram", "Comments", "8.00", 5, 5_000, "Custom Comments", False, False),
        ("Instagram", "Saves", "0.10", 10, 100_000, "Default", False, True),
        ("Instagram", "Mentions", "4.00", 100, 50_000, "Mentions", False, False),
        ("Instagram", "Auto Likes", "0.35", 50, 10_000, "Subscriptions", False, False),
        ("TikTok", "Followers", "1.50", 10, 500_000, "Default", True, False),
        ("TikTok", "Likes", "0.30", 10, 300_000, "Default", True, True),
        ("TikTok", "Views", "0.01", 100, 50_000_000, "Default", False, True),
        ("TikTok", "Shares", "0.15", 10, 1_000_000, "Default", False, True),
        ("TikTok", "Saves", "0.12", 10, 1_000_000, "Default", False, False),
        ("TikTok", "Comments", "9.00", 5, 5_000, "Custom Comments", False, False),
        ("TikTok", "Live Stream Views", "2.00", 50, 20_000, "Default", False, False),
        ("YouTube", "Subscribers", "12.00", 50, 100_000, "Default", True, False),
        ("YouTube", "Views", "1.40", 100, 10_000_000, "Default", True, True),
        ("YouTube", "Likes", "0.90", 20, 200_000, "Default", True, True),
        ("YouTube", "Comments", "15.00", 5, 2_000, "Custom Comments", False, False),
        ("YouTube", "Livestream Viewers", "0.33", 1_000, 200_000, "Default", False, False),
        ("YouTube", "Watch Hours Package", "18.00", 1, 1, "Package", False, False),
        ("Telegram", "Members", "1.10", 10, 200_000, "Default", True, False),
        ("Telegram", "Post Views", "0.02", 100, 5_000_000, "Default", False, True),
        ("Telegram", "Reactions", "0.08", 10, 100_000, "Default", False, True),
        ("Telegram", "Poll Votes", "0.90", 10, 50_000, "Poll", False, False),
        ("Facebook", "Page Likes", "2.00", 100, 100_000, "Default", True, False),
        ("Facebook", "Followers", "1.60", 100, 200_000, "Default", True, False),
        ("Facebook", "Post Likes", "0.90", 50, 50_000, "Default", False, True),
        ("Facebook", "Video Views", "0.50", 500, 5_000_000, "Default", False, True),
        ("Twitter", "Followers", "3.50", 10, 100_000, "Default", True, False),
        ("Twitter", "Likes", "1.20", 10, 50_000, "Default", True, True),
        ("Twitter", "Retweets", "1.40", 10, 50_000, "Default", True, True),
        ("Twitter", "Views", "0.05", 100, 10_000_000, "Default", False, True),
        ("Spotify", "Plays", "0.60", 1_000, 10_000_000, "Default", False, True),
        ("Spotify", "Followers", "0.90", 100, 1_000_000, "Default", True, False),
        ("Spotify", "Monthly Listeners", "2.50", 500, 500_000, "Default", False, False),
        ("Twitch", "Followers", "0.80", 50, 100_000, "Default", True, False),
        ("Twitch", "Live Viewers", "3.00", 10, 5_000, "Default", False, False),
        ("Threads", "Followers", "2.20", 50, 100_000, "Default", True, False),
        ("Threads", "Likes", "0.70", 20, 50_000, "Default", False, True),
        ("Discord", "Server Members", "4.00", 50, 50_000, "Default", False, False),
        ("LinkedIn", "Followers", "9.00", 50, 20_000, "Default", True, False),
    ]
    return [
        Product(p, k, Decimal(price), low, high, kind_type, refills, drip)
        for p, k, price, low, high, kind_type, refills, drip in rows
    ]


PRODUCTS = _products()

QUALITIES = [("Bot", Decimal("0.5")), ("HQ", Decimal("1")), ("Real", Decimal("1.6"))]
QUALITIES += [("Premium Non Drop", Decimal("2.2"))]
REFILL_DAYS = [0, 30, 60, 90, 365]
SPEEDS = ["1K/Day", "10K/Day", "50K/Day", "Instant"]
GEOS = [("", Decimal("1")), ("USA", Decimal("1.8")), ("India", Decimal("0.8"))]
GEOS += [("Brazil", Decimal("1.1")), ("Arab", Decimal("1.3")), ("Russia", Decimal("1"))]


@dataclass
class Variant:
    product: Product
    quality: str
    refill_days: int
    speed: str
    geo: str
    usd_per_1000: Decimal


@dataclass
class SimService:
    service_id: int
    name: str
    category: str
    type: str
    rate: Decimal
    min: int
    max: int
    refill: bool
    cancel: bool
    dripfeed: bool
    variant: Variant | None = field(default=None, repr=False)
    active: bool = True


def variants(rng: random.Random, per_product: tuple[int, int], only_default: bool):
    for product in PRODUCTS:
        if only_default and product.type != "Default":
            continue
        for _ in range(rng.randint(*per_product)):
            quality, quality_factor = rng.choice(QUALITIES)
            refill_days = rng.choice(REFILL_DAYS) if product.refills and quality != "Bot" else 0
            geo, geo_factor = rng.choice(GEOS) if rng.random() < 0.3 else GEOS[0]
            price = product.usd_per_1000 * quality_factor * geo_factor
            price *= 1 + Decimal(refill_days) / 300
            yield Variant(product, quality, refill_days, rng.choice(SPEEDS), geo, price)


def build(style, seed: str, size: int | None = None) -> list[SimService]:
    """A panel's catalog in ``style`` (see ``simulator.dialects``); ``size`` makes it that long."""
    rng = random.Random(seed)  # noqa: S311 (seeded on purpose: the same catalog every run)
    pool = list(variants(rng, style.variants_per_product, style.only_default_types))
    if size is not None:
        while len(pool) < size:
            pool.extend(variants(rng, (3, 6), style.only_default_types))
        pool = pool[:size]
    services, next_id = [], style.first_service_id
    for number, variant in enumerate(pool):
        noise = Decimal(rng.randint(85, 115)) / 100
        rate = variant.usd_per_1000 * style.price_factor * style.usd_rate * noise
        rate = rate.quantize(style.rate_step, rounding=ROUND_HALF_UP) or style.rate_step
        name, category = style.name(variant)
        if size is not None and number >= len(PRODUCTS) * 3:
            name = f"{name} [Server {number}]"
        product = variant.product
        services.append(
            SimService(
                service_id=next_id,
                name=name,
                category=category,
                type=product.type,
                rate=rate,
                min=product.min,
                max=product.max,
                refill=variant.refill_days > 0,
                cancel=product.type == "Default" and variant.quality != "Bot",
                dripfeed=product.dripfeed,
                variant=variant,
            )
        )
        next_id += rng.choice((1, 1, 1, 2, 7))
    return services
