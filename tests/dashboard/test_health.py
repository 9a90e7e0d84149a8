"""/health/ for monitors, and the Background work page and banner for staff."""

from datetime import timedelta

import pytest
from django.utils import timezone

from dashboard.health import record_heartbeat
from orders import services as orders
from orders.models import Order
from providers.models import CatalogSync
from smmdash.celery import app
from tests.orders.conftest import a_service
from tests.processes import free_port

pytestmark = pytest.mark.django_db

BANNER = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "work-alert"}


def queued_order(provider, minutes_ago):
    order, _ = orders.create_order(a_service(provider), link="https://t.me/c", quantity=100)
    Order.objects.filter(pk=order.pk).update(
        created_at=timezone.now() - timedelta(minutes=minutes_ago)
    )
    return order


def test_health_needs_no_login_and_reports_every_part(client, synced):
    provider = synced("smmprovider")
    record_heartbeat("worker@host")

    response = client.get("/health/")

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == {"ok": True}
    assert body["broker"] == {"ok": True}
    assert body["worker"]["ok"] is True
    assert 0 <= body["worker"]["last_heartbeat_age_seconds"] < 5
    assert 0 <= body["last_catalog_sync_age_seconds"] < 30
    assert 0 <= body["last_balance_age_seconds"] < 30
    assert body["last_order_poll_age_seconds"] is None  # nothing polled yet
    assert body["waiting"]["orders"] == {"count": 0, "oldest_age_seconds": None, "stuck": False}
    assert provider.name not in response.text


def test_health_is_degraded_while_work_waits_for_a_worker_that_is_not_there(client, synced):
    queued_order(synced("smmprovider"), minutes_ago=5)

    body = client.get("/health/").json()

    assert body["status"] == "degraded"
    assert body["worker"] == {"ok": False, "last_heartbeat_age_seconds": None}
    assert body["waiting"]["orders"]["count"] == 1
    assert body["waiting"]["orders"]["stuck"] is True
    assert body["waiting"]["orders"]["oldest_age_seconds"] >= 300


def test_health_answers_503_when_the_broker_is_unreachable(client, monkeypatch):
    closed_port = free_port()
    # Celery reads CELERY_BROKER_URL from the environment before its configuration.
    monkeypatch.setenv("CELERY_BROKER_URL", f"redis://127.0.0.1:{closed_port}/0")
    assert app.conf.broker_url.endswith(f":{closed_port}/0")

    response = client.get("/health/")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "down"
    assert body["broker"] == {"ok": False}
    assert body["database"] == {"ok": True}
    assert str(closed_port) not in response.text  # no error details for anonymous callers


def test_health_is_exempt_from_the_https_redirect(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/health/").status_code == 200
    assert client.get("/login/").status_code == 301


def test_the_banner_is_empty_while_work_flows(viewer_client, synced):
    queued_order(synced("smmprovider"), minutes_ago=0)  # just queued: a worker has time
    record_heartbeat("worker@host")

    body = viewer_client.get("/background/", **BANNER).text.strip()

    assert body.startswith('<div id="work-alert"') and body.endswith("</div>")
    assert "not being processed" not in body
    assert "<html" not in body


def test_work_waiting_with_no_worker_shows_on_every_page_and_says_what_to_do(viewer_client, synced):
    provider = synced("smmprovider")
    queued_order(provider, minutes_ago=1)
    CatalogSync.objects.create(provider=provider, trigger="manual")

    banner = viewer_client.get("/background/", **BANNER).text
    assert "Background work is not being processed." in banner
    assert "1 order waiting to be sent since" in banner
    assert "1 catalog sync waiting to start" in banner
    assert 'href="/background/"' in banner
    # Every page loads the banner after it has rendered.
    for url in ("/", "/orders/", "/providers/", "/compare/"):
        assert 'id="work-alert"' in viewer_client.get(url).text, url

    page = viewer_client.get("/background/").text
    assert "Work is waiting and nothing takes it" in page
    assert "No worker is running" in page
    assert "celery -A smmdash worker" in page
    assert "celery -A smmdash beat" in page
    assert 'id="work-alert"' not in page.split('class="page-head"')[1]  # no banner on itself


def test_a_running_worker_that_does_not_take_the_orders_queue_is_called_out(viewer_client, synced):
    queued_order(synced("smmprovider"), minutes_ago=10)
    record_heartbeat("panels@host")

    page = viewer_client.get("/background/").text

    assert "Work is waiting and nothing takes it" in page
    assert "celery -A smmdash worker --queues=orders" in page
    assert "panels@host" in page


def test_the_background_page_shows_database_and_broker(viewer_client):
    page = viewer_client.get("/background/").text
    assert page.count("Answering") == 2


def test_the_banner_is_not_offered_to_users_without_a_role(client, nobody):
    client.force_login(nobody)
    assert 'id="work-alert"' not in client.get("/").text
    assert client.get("/background/", **BANNER).status_code == 403
