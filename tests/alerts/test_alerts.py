"""Alerts end to end: rules over real providers and orders at the simulated panels, messages
delivered for real to a local SMTP server and a local webhook, once per condition."""

import email
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from alerts import services
from alerts.models import Alert, Channel, Delivery, Rule
from orders.models import Order, ProviderPolling
from orders.services import poll_provider
from providers.models import PriceChange, Provider
from tests.orders.conftest import a_service

pytestmark = pytest.mark.django_db


def send_all():
    for pk in Delivery.objects.filter(status="pending").values_list("pk", flat=True):
        services.deliver(pk)


def test_an_alert_is_sent_once_reminded_and_resolved(synced, channels, smtp, hook):
    provider = synced("smmsheba", low_balance_threshold=Decimal("5000"))
    tick = services.evaluate()
    assert tick.opened == 1 and tick.deliveries == 2
    send_all()
    [mail] = smtp.messages
    assert mail["to"] == ["ops@example.com"]
    assert (
        "Low balance at smmsheba" in mail["text"]
        and "under the account's threshold" in mail["text"]
    )
    assert hook.received[0]["title"] == "[smmdash] Low balance at smmsheba"

    assert services.evaluate().deliveries == 0  # still true: no second message
    assert Alert.objects.filter(resolved_at__isnull=True).count() == 1

    Alert.objects.update(notified_at=timezone.now() - timedelta(hours=5))  # past the 4 h reminder
    assert services.evaluate().reminded == 1
    send_all()
    assert "Still: Low balance" in hook.received[-1]["title"]

    Provider.objects.filter(pk=provider.pk).update(low_balance_threshold=Decimal("1"))
    tick = services.evaluate()
    assert tick.resolved == 1
    send_all()
    assert hook.received[-1]["title"].startswith("[smmdash] Resolved: Low balance")
    assert services.evaluate().deliveries == 0
    assert len(hook.received) == len(smtp.messages) == 3


def test_alerts_are_written_in_the_alert_language(synced, channels, smtp, hook, settings):
    settings.ALERT_LANGUAGE = "ru"
    synced("smmsheba", low_balance_threshold=Decimal("5000"))
    services.evaluate()
    send_all()
    assert hook.received[0]["title"] == "[smmdash] Низкий баланс у smmsheba"  # noqa: RUF001
    [mail] = smtp.messages
    body = email.message_from_string(mail["text"]).get_payload(decode=True).decode()
    assert "ниже порога аккаунта" in body and "5\u00a0000,00 USD" in body
    # The worker's language is its own: what runs after it is in the default one again.
    assert str(Alert.objects.get().rule) == "Balance under the account's threshold"


def test_many_alerts_at_once_arrive_as_one_message(simulator, synced, place, channels, hook):
    provider = synced("smmprovider")
    service = a_service(provider)
    for n in range(3):
        simulator.inject("smmprovider", "reset", action="add", after=True)
        place(service, link=f"https://instagram.com/p/lost-{n}")
    assert Order.objects.filter(status="unknown").count() == 3
    assert services.evaluate().opened == 3
    send_all()
    [message] = hook.received
    assert message["title"] == "[smmdash] 3 alerts: 3 new"
    assert message["message"].count("needs checking") == 3


def test_a_failed_delivery_is_retried_and_shown(synced, channels, hook, manager_client):
    synced("smmsheba", low_balance_threshold=Decimal("5000"))
    hook.status = 500
    services.evaluate()
    send_all()
    failed = Delivery.objects.get(channel__kind=Channel.Kind.APPRISE)
    assert failed.status == "pending" and failed.attempts == 1 and failed.last_error
    assert failed.next_attempt_at > timezone.now()
    page = manager_client.get("/alerts/notifications/")
    assert "Retrying" in page.text

    hook.status = 200
    Delivery.objects.filter(pk=failed.pk).update(next_attempt_at=timezone.now())
    services.queue_due()
    services.deliver(failed.pk)
    failed.refresh_from_db()
    assert failed.status == "sent" and failed.attempts == 2


def syncs_failing_quoting(provider, key):
    """The provider's catalog syncs have failed for two hours, the panel's words quoting `key`."""
    Provider.objects.filter(pk=provider.pk).update(
        last_sync_ok=False,
        last_sync_error=f"Invalid key {key}",
        catalog_synced_at=timezone.now() - timedelta(hours=3),
    )
    provider.syncs.create(
        trigger="schedule", status="failed", finished_at=timezone.now() - timedelta(hours=2)
    )


def test_no_message_carries_an_api_key(simulator, synced, channels, smtp, hook):
    provider = synced("smmsheba")
    key = simulator.key("smmsheba")
    # However a key came to be in a panel's error, the message masks it.
    syncs_failing_quoting(provider, key)
    assert services.evaluate().opened == 1
    send_all()
    assert hook.received and smtp.messages
    for text in [str(hook.received), *(m["text"] for m in smtp.messages)]:
        assert key not in text
        assert "Catalog sync failing" in text


def test_what_alerts_store_carries_no_api_key(simulator, synced, place, channels, staff_admin):
    provider = synced("smmprovider")
    key = simulator.key("smmprovider")
    # A panel quotes the key back in its error...
    syncs_failing_quoting(provider, key)
    # ...and staff paste it into a link, on an order whose answer is then lost.
    simulator.inject("smmprovider", "reset", action="add", after=True)
    place(a_service(provider), link=f"https://instagram.com/p/{key}")

    assert services.evaluate().opened == 2
    test = services.send_test(Channel.objects.get(kind=Channel.Kind.APPRISE))

    stored = [(alert.title, alert.detail) for alert in Alert.objects.all()]
    stored += [(d.subject, d.body) for d in Delivery.objects.all()]
    assert len(stored) == 5 and test.status == "sent"
    assert all(key not in title and key not in text for title, text in stored)
    assert any(f"Invalid key ••••{key[-4:]}" in text for _, text in stored)
    assert any(f"instagram.com/p/••••{key[-4:]}" in text for _, text in stored)
    admin = Client()
    admin.force_login(staff_admin)
    for alert in Alert.objects.all():
        page = admin.get(f"/admin/alerts/alert/{alert.pk}/change/")
        assert page.status_code == 200 and key not in page.text


def test_status_checks_failing_and_a_panel_backing_off(simulator, synced, place, channels, hook):
    provider = synced("smmprovider")
    place(a_service(provider))
    simulator.inject("smmprovider", "unavailable", action="status", times=5)
    Order.objects.update(status_checked_at=None)
    poll_provider(provider)
    polling = ProviderPolling.objects.get(provider=provider)
    assert polling.failing_since is not None and polling.backoff_until > timezone.now()
    services.evaluate()
    kinds = set(Alert.objects.values_list("rule__kind", flat=True))
    assert kinds == {"backed_off"}  # failing, but not yet for 15 minutes
    ProviderPolling.objects.update(failing_since=timezone.now() - timedelta(minutes=20))
    services.evaluate()
    assert set(Alert.objects.values_list("rule__kind", flat=True)) == {"backed_off", "poll_failing"}


def test_a_price_move_of_an_ordered_service_is_told_once(synced, place, channels, hook):
    provider = synced("smmsheba")
    service = a_service(provider)
    place(service)
    PriceChange.objects.create(
        service=service, old_rate=service.rate, new_rate=service.rate * 2, changed_at=timezone.now()
    )
    assert services.evaluate().opened == 1
    send_all()
    assert "Price up 100%" in hook.received[0]["title"]
    Alert.objects.update(opened_at=timezone.now() - timedelta(days=2))
    PriceChange.objects.update(changed_at=timezone.now() - timedelta(days=2))
    tick = services.evaluate()
    assert tick.resolved == 1 and tick.deliveries == 0  # a one-off ends without a word


def test_a_price_move_is_written_in_the_alert_languages_numbers(synced, place, settings):
    settings.ALERT_LANGUAGE = "ru"
    service = a_service(synced("smmsheba"))
    place(service)
    PriceChange.objects.create(
        service=service,
        old_rate=Decimal("1234.5"),
        new_rate=Decimal("2469.0125"),
        changed_at=timezone.now(),
    )
    services.evaluate()
    alert = Alert.objects.get(rule__kind=Rule.Kind.PRICE_MOVE)
    # Rates as everywhere: four decimals, the currency, and Russian separators.
    assert "1\u00a0234,5000 USD → 2\u00a0469,0125 USD" in alert.detail
    assert "100%" in alert.title


def test_channels_are_checked_and_their_targets_never_shown(manager_client, hook):
    refused = manager_client.post(
        "/alerts/notifications/channels/new/",
        {"name": "Bad", "kind": "apprise", "target": "nonsense://x"},
    )
    assert refused.status_code == 400 and "apprise does not understand" in refused.text
    secret_url = hook.url + "?token=very-secret-token-123"
    manager_client.post(
        "/alerts/notifications/channels/new/",
        {"name": "Hook", "kind": "apprise", "target": secret_url, "enabled": "on"},
    )
    channel = Channel.objects.get(name="Hook")
    assert "very-secret" not in channel.target_encrypted and channel.target == secret_url
    page = manager_client.get("/alerts/notifications/")
    assert "very-secret" not in page.text and "json://127.0.0.1/••••" in page.text
    tested = manager_client.post(
        f"/alerts/notifications/channels/{channel.pk}/test/",
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET=f"channel-{channel.pk}",
    )
    assert "Sent at" in tested.text and hook.received[0]["title"] == "[smmdash] Test message"


def test_rules_are_edited_on_the_notifications_page(manager_client, viewer):
    viewer_client = Client()
    viewer_client.force_login(viewer)
    assert viewer_client.get("/alerts/notifications/").status_code == 403
    rules = list(Rule.objects.order_by("id"))
    data = {"form-TOTAL_FORMS": len(rules), "form-INITIAL_FORMS": len(rules)}
    for n, rule in enumerate(rules):
        data[f"form-{n}-id"] = rule.pk
        data[f"form-{n}-enabled"] = "on"
        if rule.info.unit:
            data[f"form-{n}-threshold"] = 7 if rule.kind == "short_runway" else rule.threshold
        if not rule.info.one_off:
            data[f"form-{n}-remind_every_minutes"] = 30
    response = manager_client.post("/alerts/notifications/rules/", data)
    assert response.status_code == 302
    assert Rule.objects.get(kind="short_runway").threshold == 7
    assert Rule.objects.get(kind="low_balance").remind_every_minutes == 30
    assert "No reminders" not in manager_client.get("/alerts/notifications/").text
    # 0 minutes means no reminders, and the page says so rather than "every 0 min".
    Rule.objects.filter(kind="low_balance").update(remind_every_minutes=0)
    page = manager_client.get("/alerts/notifications/").text
    assert page.count("No reminders") == 1


def test_a_rules_row_posted_without_its_rule_says_why(manager_client):
    rules = list(Rule.objects.order_by("id"))
    enabled = Rule.objects.filter(enabled=True).count()
    data = {"form-TOTAL_FORMS": len(rules), "form-INITIAL_FORMS": len(rules)}
    for n, rule in enumerate(rules):
        if n:  # the first row lost its rule's id on the way
            data[f"form-{n}-id"] = rule.pk
        if rule.info.unit:
            data[f"form-{n}-threshold"] = rule.threshold

    response = manager_client.post("/alerts/notifications/rules/", data)

    assert response.status_code == 400
    assert "This row arrived without its rule, so nothing was saved" in response.text
    # Nothing was saved: no row was turned off for lacking its "enabled" box.
    assert (
        Rule.objects.count() == len(rules) and Rule.objects.filter(enabled=True).count() == enabled
    )


def test_the_bell_shows_the_open_alerts(synced, viewer_client):
    synced("smmsheba", low_balance_threshold=Decimal("5000"))
    services.evaluate()
    bell = viewer_client.get("/alerts/", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="alert-bell")
    assert bell.text.strip().startswith('<a id="alert-bell"')
    assert 'data-testid="bell-count">1<' in bell.text and "Low balance at smmsheba" in bell.text
    page = viewer_client.get("/alerts/")
    assert "Low balance at smmsheba" in page.text and "Acknowledge" in page.text
