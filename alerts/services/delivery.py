"""Writing and sending messages: by email through Django's email backend, or to any
notification URL apprise understands. A delivery that fails is tried again later, a growing
while apart, and shown as failed on the Notifications page once it gives up.

No message carries an API key: every message is masked against the stored keys before it is
stored and again before it leaves (``masking``). A notification URL is sent to under the
panels' address guard (``targets``), and a failure is told in words that say what kind of
failure it was, never in the words of a socket error (which would make a port scanner of the
Send a test button); the details go to the log.
"""

import logging
import smtplib
from datetime import timedelta
from functools import partial

import apprise
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy, ngettext, pgettext_lazy

from alerts.models import Channel, Delivery
from alerts.services.masking import key_mask
from alerts.services.targets import CHANNELS_PUBLIC_ONLY, ChannelRefused, notifier_for
from panel import guarded_requests
from providers import encryption
from smmdash.lib.queue import DELIVER_ALERT, queue

log = logging.getLogger("smmdash.alerts")

# Seconds before the next try, by the number of tries so far; then it gives up.
RETRY_AFTER = [60, 300, 900, 3600]
MAX_ATTEMPTS = len(RETRY_AFTER) + 1
SENDING_LEASE = timedelta(minutes=2)
SENT_FIELDS = ["status", "attempts", "next_attempt_at", "last_error", "sent_at", "lock_until"]
EVENT_WORDS = {
    "opened": pgettext_lazy("alert", "New"),
    "reminder": pgettext_lazy("alert", "Still"),
    "resolved": pgettext_lazy("alert", "Resolved"),
}
EVENT_COUNTS = {
    "opened": gettext_lazy("{count} new"),
    "reminder": gettext_lazy("{count} still open"),
    "resolved": gettext_lazy("{count} resolved"),
}


class DeliveryFailed(Exception):
    """The channel did not take the message; the text is for staff and names no secret."""


def _link(path: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{path}" if settings.SITE_URL and path else ""


def compose(notices) -> tuple[str, str]:
    """(subject, body) of one message telling `notices` (Notice objects)."""
    if len(notices) == 1:
        notice = notices[0]
        title = notice.alert.title
        if notice.event == "opened":
            subject = f"[smmdash] {title}"
        else:
            subject = f"[smmdash] {EVENT_WORDS[notice.event]}: {title}"
    else:
        counts = {}
        for notice in notices:
            counts[notice.event] = counts.get(notice.event, 0) + 1
        parts = [
            EVENT_COUNTS[event].format(count=count)
            for event in ("opened", "reminder", "resolved")
            if (count := counts.get(event))
        ]
        told = ngettext("{count} alert: {parts}", "{count} alerts: {parts}", len(notices))
        subject = "[smmdash] " + told.format(count=len(notices), parts=", ".join(parts))
    lines = []
    for notice in notices:
        alert = notice.alert
        lines.append(f"{EVENT_WORDS[notice.event]}: {alert.title}")
        if notice.event != "resolved" and alert.detail:
            lines.append(f"  {alert.detail}")
        if link := _link(alert.path):
            lines.append(f"  {link}")
        lines.append("")
    return subject[:300], "\n".join(lines).strip()


def write_message(channel: Channel, notices, mask) -> Delivery:
    """Store one message telling `notices`, its keys masked (`mask`: ``key_mask()``)."""
    subject, body = compose(notices)
    delivery = Delivery.objects.create(channel=channel, subject=mask(subject), body=mask(body))
    delivery.alerts.set([notice.alert for notice in notices])
    return delivery


def write_test_message(channel: Channel) -> Delivery:
    mask = key_mask()
    return Delivery.objects.create(
        channel=channel,
        is_test=True,
        subject="[smmdash] " + gettext("Test message"),
        body=mask(
            gettext(
                "This is a test of the channel “{channel}”. Alerts chosen for it on the "
                "Notifications page will arrive here."
            ).format(channel=channel.name)
        ),
    )


def queue_now(deliveries):
    """Hand messages just written to the workers, once the transaction that wrote them
    commits."""
    for delivery in deliveries:
        transaction.on_commit(partial(queue, DELIVER_ALERT, delivery.pk))


def queue_due(now=None):
    """Queue every delivery that waits to be sent or tried again (and any whose sender died
    mid-way)."""
    now = now or timezone.now()
    Delivery.objects.filter(status=Delivery.Status.SENDING, lock_until__lt=now).update(
        status=Delivery.Status.PENDING
    )
    due = Delivery.objects.filter(status=Delivery.Status.PENDING, next_attempt_at__lte=now)
    for pk in due.values_list("pk", flat=True):
        queue(DELIVER_ALERT, pk)


def deliver(delivery_id: int) -> Delivery | None:
    """Send one delivery, once: it is claimed with a conditional UPDATE first."""
    now = timezone.now()
    claimed = (
        Delivery.objects.filter(pk=delivery_id, status=Delivery.Status.PENDING)
        .filter(Q(lock_until__isnull=True) | Q(lock_until__lt=now))
        .update(status=Delivery.Status.SENDING, lock_until=now + SENDING_LEASE)
    )
    if not claimed:
        return None
    delivery = Delivery.objects.select_related("channel").get(pk=delivery_id)
    try:
        send(delivery.channel, delivery.subject, delivery.body)
    except DeliveryFailed as problem:
        attempts = delivery.attempts + 1
        gave_up = attempts >= MAX_ATTEMPTS or delivery.is_test
        delivery.status = Delivery.Status.FAILED if gave_up else Delivery.Status.PENDING
        if not gave_up:
            delivery.next_attempt_at = now + timedelta(seconds=RETRY_AFTER[attempts - 1])
        delivery.attempts, delivery.last_error = attempts, str(problem)
        log.warning("Alert message %s to %s failed: %s", delivery.pk, delivery.channel, problem)
    else:
        delivery.status, delivery.sent_at = Delivery.Status.SENT, timezone.now()
        delivery.attempts += 1
        delivery.last_error = ""
    delivery.lock_until = None
    delivery.save(
        update_fields=[
            "status",
            "attempts",
            "next_attempt_at",
            "last_error",
            "sent_at",
            "lock_until",
        ]
    )
    return delivery


def send(channel: Channel, subject: str, body: str):
    """Hand one message to the channel, or raise DeliveryFailed."""
    mask = key_mask()
    subject, body = mask(subject), mask(body)
    try:
        target = channel.target
    except encryption.KeyNotDecryptable as problem:
        raise DeliveryFailed(str(problem)) from None
    if channel.kind == Channel.Kind.EMAIL:
        _email(channel, target, subject, body)
    else:
        _apprise(channel, target, subject, body)


def _email(channel, addresses: str, subject: str, body: str):
    to = [address.strip() for address in addresses.split(",") if address.strip()]
    try:
        EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, to).send()
    except smtplib.SMTPException as problem:
        log.warning("Alert email to channel %s refused: %s", channel.pk, problem)
        raise DeliveryFailed(
            gettext("Could not be delivered: the mail server refused the message.")
        ) from None
    except (OSError, ValueError) as problem:  # smtplib's errors are OSErrors
        log.warning("Alert email to channel %s failed: %r", channel.pk, problem)
        raise DeliveryFailed(
            gettext("Could not be delivered: the mail server (EMAIL_URL) could not be reached.")
        ) from None


def _apprise(channel, url: str, subject: str, body: str):
    try:
        notifier = notifier_for(url)
    except ChannelRefused as refused:
        raise DeliveryFailed(
            gettext("Not delivered: {reason}").format(reason=str(refused))
        ) from None
    allowed = settings.PROVIDER_ALLOW_PRIVATE_HOSTS
    with (
        guarded_requests(allowed, CHANNELS_PUBLIC_ONLY) as guard,
        apprise.LogCapture(level=logging.WARNING) as captured,
    ):
        sent = notifier.notify(title=subject, body=body)
    if sent:
        return
    said = [line.strip() for line in captured.getvalue().splitlines() if line.strip()]
    log.warning(
        "Alert message to channel %s not taken: %s",
        channel.pk,
        _without(" | ".join(said) or "no reason given", url),
    )
    raise DeliveryFailed(_failure(guard))


def _failure(guard) -> str:
    """What went wrong, in words that tell its kind and nothing a socket error would."""
    if guard.refused:
        return gettext("Not delivered: {reason}").format(reason=guard.refused)
    if guard.redirected:
        return gettext(
            "Could not be delivered: the service answered with a redirect, which smmdash "
            "does not follow. Enter the address it redirects to."
        )
    if guard.status is not None and guard.status >= 400:
        return gettext("Could not be delivered: the service answered HTTP {status}.").format(
            status=guard.status
        )
    if guard.unreachable:
        return gettext("Could not be delivered: the service could not be reached.")
    return gettext("Could not be delivered: the service did not take the message.")


def _without(text: str, url: str) -> str:
    """`text` without the URL or its parts (a token in the path, a password)."""
    for secret in sorted(
        {url, *url.replace("@", "/").replace(":", "/").split("/")}, key=len, reverse=True
    ):
        if len(secret) >= 8:
            text = text.replace(secret, "••••")
    return text
