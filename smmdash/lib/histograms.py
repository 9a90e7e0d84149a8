"""Durations counted into fixed buckets, so that daily rollups can be added together and still
give a median or a 90th percentile without keeping every order's or every call's figure.

A histogram is a plain list of counts, one per bucket, stored as JSON. Bucket i holds the
values up to ``bounds[i]`` (and above ``bounds[i - 1]``); one last bucket holds everything
above the last bound. A percentile is read by interpolating inside the bucket it falls in, so
it is exact to within a bucket's width: good enough to tell "started in 10 minutes" from
"started in 6 hours", which is what staff compare.
"""

from bisect import bisect_left
from collections.abc import Iterable
from itertools import zip_longest

# Seconds from an order's placing to its start or its end, or a refill's: half a minute to a
# week, in steps of about half again, so a percentile is within a third of the true figure.
DELIVERY_SECONDS = (
    30,
    60,
    120,
    180,
    300,
    450,
    600,
    900,
    1200,
    1800,
    2700,
    3600,
    5400,
    7200,
    10800,
    14400,
    21600,
    28800,
    43200,
    64800,
    86400,
    129600,
    172800,
    259200,
    345600,
    604800,
)
# Milliseconds a panel took to answer one request.
LATENCY_MS = (100, 200, 300, 500, 750, 1000, 1500, 2000, 3000, 5000, 10000, 20000, 30000)


def empty(bounds) -> list[int]:
    return [0] * (len(bounds) + 1)


def bucket_of(value: float, bounds) -> int:
    return bisect_left(bounds, value)


def count(values: Iterable[float], bounds) -> list[int]:
    counts = empty(bounds)
    for value in values:
        counts[bucket_of(value, bounds)] += 1
    return counts


def merge(histograms: Iterable[list[int]], bounds) -> list[int]:
    """The sum of histograms of the same bounds (an empty or short list counts as zeros)."""
    columns = zip_longest(
        empty(bounds), *(histogram or () for histogram in histograms), fillvalue=0
    )
    return [sum(column) for column in columns]


def percentile(histogram: list[int], share: float, bounds) -> float | None:
    """The value below which `share` (0 to 1) of the counted values lie, or None if none were."""
    total = sum(histogram)
    if not total:
        return None
    wanted = share * total
    seen = 0
    for index, in_bucket in enumerate(histogram):
        if in_bucket and seen + in_bucket >= wanted:
            low = bounds[index - 1] if index else 0
            # Above the last bound there is no upper edge: report the last bound itself.
            high = bounds[index] if index < len(bounds) else bounds[-1]
            return low + (high - low) * (wanted - seen) / in_bucket
        seen += in_bucket
    return float(bounds[-1])
