"""Order statuses: every panel's words mapped onto the eight smmdash knows.

The table is matched on the lower-cased word with spaces, dashes and underscores folded, so
``"In progress"``, ``"in_progress"`` and ``"IN-PROGRESS"`` are one word. A word the table lacks
is read by its meaning when it starts with a known one (``"Completed successfully"``,
``"In progress (45%)"``, ``"Canceled by admin"``). A word nobody has seen before becomes
``UNKNOWN_STATUS_DEFAULT`` (``processing``): the order stays open and keeps being polled, which
is the safe reading of "the panel is doing something", and the word is logged once so the
table can learn it. ``raw_status`` always keeps the panel's own word.
"""

import logging
import re

PENDING = "pending"
IN_PROGRESS = "in_progress"
PROCESSING = "processing"
PARTIAL = "partial"
COMPLETED = "completed"
CANCELED = "canceled"
REFUNDED = "refunded"
FAILED = "failed"

STATUSES = (PENDING, IN_PROGRESS, PROCESSING, PARTIAL, COMPLETED, CANCELED, REFUNDED, FAILED)
OPEN_STATUSES = frozenset({PENDING, IN_PROGRESS, PROCESSING})
UNKNOWN_STATUS_DEFAULT = PROCESSING

_WORDS = {
    PENDING: ("pending", "awaiting", "waiting", "queued", "in queue", "new", "order received"),
    IN_PROGRESS: ("in progress", "inprogress", "progress", "active", "running", "started"),
    PROCESSING: ("processing", "process", "being processed"),
    PARTIAL: (
        "partial",
        "partially",
        "partially completed",
        "partially refunded",
        "partial refund",
    ),
    COMPLETED: ("completed", "complete", "success", "done", "finished", "delivered"),
    CANCELED: ("canceled", "cancelled", "order cancelled", "order canceled", "cancel"),
    REFUNDED: ("refunded", "refund", "order refunded"),
    FAILED: ("failed", "fail", "error", "rejected", "declined", "fraud"),
}
_TABLE = {word: status for status, words in _WORDS.items() for word in words}
# Longest first, so "order cancelled" is tried before "order received" could be, and "in
# progress" before "in queue".
_LEADING = sorted(_TABLE, key=len, reverse=True)
_FOLD = re.compile(r"[\s_\-]+")
_WORD_END = re.compile(r"[^a-z]")

log = logging.getLogger("smmdash.panel")
_logged_unknown: set[str] = set()


def fold(word: str) -> str:
    return _FOLD.sub(" ", word).strip().lower()


def known(raw_status: str, *, exactly: bool = False) -> str | None:
    """The status a word means, if the table knows it (``exactly``: the whole word, not only
    its leading words); None for words it does not know, which ``normalize`` would guess."""
    folded = fold(raw_status)
    return _TABLE.get(folded) or (None if exactly else _by_leading_words(folded))


def normalize(raw_status: str) -> str:
    status = known(raw_status)
    if status is None:
        status = UNKNOWN_STATUS_DEFAULT
        folded = fold(raw_status)
        if folded not in _logged_unknown:
            _logged_unknown.add(folded)
            log.warning(
                "Unknown order status %r from a panel; treating it as %r", raw_status, status
            )
    return status


def _by_leading_words(folded: str) -> str | None:
    """The status of the longest known word `folded` starts with, followed by a non-letter."""
    for phrase in _LEADING:
        if folded.startswith(phrase) and (
            len(folded) == len(phrase) or _WORD_END.match(folded[len(phrase)])
        ):
            return _TABLE[phrase]
    return None
