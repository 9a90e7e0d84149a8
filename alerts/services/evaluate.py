"""The alerts' tick: open an alert when its condition starts, remind at the rule's interval,
resolve it when the condition ends, and group what happened into one message per channel.

Each step is claimed in the database, so that however many workers run the tick at once, an
alert opens once (a unique constraint on open alerts), is reminded once per interval and
resolved once (conditional UPDATEs, counted): a message is only written for a claim won.
What an alert says is masked against the stored API keys before it is stored, and the messages
written in a tick are queued in that tick.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from alerts.models import Alert, Delivery, Rule, ensure_rules
from alerts.services.conditions import conditions
from alerts.services.delivery import queue_due, queue_now, write_message
from alerts.services.masking import key_mask
from smmdash.lib.texts import render, strings_in
from spend.services import detect_top_ups

OPENED, REMINDER, RESOLVED = "opened", "reminder", "resolved"


@dataclass(frozen=True)
class Notice:
    alert: Alert
    event: str  # OPENED, REMINDER or RESOLVED


@dataclass
class Tick:
    opened: int = 0
    reminded: int = 0
    resolved: int = 0
    deliveries: int = 0
    top_ups: int = 0


def evaluate(now=None) -> Tick:
    """One tick: top-ups, then every rule, then the messages, written in ALERT_LANGUAGE (the
    worker serves no request to take a language from)."""
    with translation.override(settings.ALERT_LANGUAGE):
        return _evaluate(now)


def _evaluate(now=None) -> Tick:
    now = now or timezone.now()
    tick = Tick(top_ups=len(detect_top_ups(now)))
    ensure_rules()
    rules = list(Rule.objects.filter(enabled=True).prefetch_related("channels"))
    mask = key_mask()
    firing = {(c.rule.pk, c.key): _said(c, mask) for c in conditions(rules, now)}
    open_alerts = {
        (alert.rule_id, alert.key): alert
        for alert in Alert.objects.filter(resolved_at__isnull=True).select_related("rule")
    }
    by_pk = {rule.pk: rule for rule in rules}
    notices = []
    seen = []
    for key, condition in firing.items():
        alert = open_alerts.get(key)
        if alert is None:
            alert = _open(condition, now)
            if alert is not None:
                notices.append(Notice(alert, OPENED))
                tick.opened += 1
            continue
        alert.title, alert.detail = condition.title, condition.detail
        alert.message, alert.path = condition.message, condition.path
        alert.last_seen_at = now
        seen.append(alert)
        if _reminder_due(alert, now) and _claim_reminder(alert, now):
            notices.append(Notice(alert, REMINDER))
            tick.reminded += 1
    Alert.objects.bulk_update(
        seen, ["title", "detail", "message", "path", "last_seen_at"], batch_size=500
    )
    for key, alert in open_alerts.items():
        if key in firing:
            continue
        if Alert.objects.filter(pk=alert.pk, resolved_at__isnull=True).update(resolved_at=now):
            alert.resolved_at = now
            tick.resolved += 1
            # A one-off ends by itself, and a disabled rule's alerts end, without a word.
            rule = by_pk.get(alert.rule_id)
            if rule is not None and not rule.info.one_off:
                notices.append(Notice(alert, RESOLVED))
    written = write_messages(notices, by_pk, mask)
    tick.deliveries = len(written)
    queue_due(now)  # retries that are due, and messages whose sender died
    queue_now(written)  # written after `now`, so not yet due by it
    return tick


@dataclass(frozen=True)
class Said:
    """What an alert says: its messages, masked against the stored API keys, to render in each
    reader's language; and the title and detail written in ALERT_LANGUAGE for the channels."""

    rule: Rule
    key: str
    provider_id: int | None
    path: str
    message: dict
    title: str
    detail: str


def _said(condition, mask) -> Said:
    message = {"title": strings_in(condition.title, mask)}
    if condition.detail:
        message["detail"] = strings_in(condition.detail, mask)
    return Said(
        rule=condition.rule,
        key=condition.key,
        provider_id=condition.provider_id,
        path=condition.path,
        message=message,
        title=mask(render(message["title"]))[:300],
        detail=mask(render(message["detail"])) if "detail" in message else "",
    )


def _open(condition, now) -> Alert | None:
    try:
        with transaction.atomic():
            return Alert.objects.create(
                rule=condition.rule,
                key=condition.key,
                provider_id=condition.provider_id,
                title=condition.title,
                detail=condition.detail,
                message=condition.message,
                path=condition.path,
                opened_at=now,
                last_seen_at=now,
                notified_at=now,
            )
    except IntegrityError:
        return None  # another worker opened it a moment ago, and tells about it


def _reminder_due(alert, now) -> bool:
    minutes = alert.rule.remind_every_minutes
    if not minutes or alert.acknowledged_at or alert.rule.info.one_off:
        return False
    return alert.notified_at is None or alert.notified_at <= now - timedelta(minutes=minutes)


def _claim_reminder(alert, now) -> bool:
    claimed = Alert.objects.filter(pk=alert.pk, notified_at=alert.notified_at).update(
        notified_at=now
    )
    alert.notified_at = now
    return bool(claimed)


def write_messages(notices: list[Notice], rules: dict, mask) -> list[Delivery]:
    """One message per channel for everything that happened in this tick to its rules'
    alerts."""
    by_channel: dict = {}
    channels = {}
    for notice in notices:
        rule = rules.get(notice.alert.rule_id)
        if rule is None:
            continue
        for channel in rule.channels.all():
            if channel.enabled:
                channels[channel.pk] = channel
                by_channel.setdefault(channel.pk, []).append(notice)
    return [write_message(channels[pk], grouped, mask) for pk, grouped in by_channel.items()]
