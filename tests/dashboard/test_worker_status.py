from datetime import timedelta

import pytest
from django.utils import timezone

from dashboard.health import record_heartbeat
from dashboard.models import WorkerHeartbeat

pytestmark = pytest.mark.django_db

FRAGMENT = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "worker-status"}


def test_the_fragment_answers_htmx_with_the_partial_only(viewer_client):
    response = viewer_client.get("/", **FRAGMENT)
    body = response.text.strip()
    assert body.startswith('<article id="worker-status"')
    assert body.endswith("</article>")
    assert "<html" not in body
    assert "Getting started" not in body
    assert "HX-Request" in response["Vary"]


def test_without_htmx_the_same_url_is_the_whole_page(viewer_client):
    body = viewer_client.get("/").text
    assert body.startswith("<!doctype html>")
    assert '<article id="worker-status"' in body
    assert "Getting started" in body


def test_an_htmx_request_for_another_target_gets_the_page(viewer_client):
    response = viewer_client.get("/", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="content")
    assert "Getting started" in response.text


def test_no_worker_ever_seen(viewer_client):
    body = viewer_client.get("/", **FRAGMENT).text
    assert "Not running" in body
    assert "celery -A smmdash worker" in body


def test_just_after_the_dashboard_started_a_worker_not_yet_seen_is_starting(
    viewer_client, monkeypatch
):
    import time

    monkeypatch.setattr("dashboard.health._PROCESS_STARTED", time.monotonic())
    body = viewer_client.get("/", **FRAGMENT).text
    assert "Starting" in body and "Not running" not in body
    assert 'hx-trigger="every 5s"' in body  # looks again soon, to say when it is up
    assert "Starting" in viewer_client.get("/background/").text


def test_a_worker_that_reported_in_recently(viewer_client):
    record_heartbeat("worker@box")
    body = viewer_client.get("/", **FRAGMENT).text
    assert "Running" in body
    assert "worker@box" in body


def test_a_worker_that_stopped_reporting(viewer_client, settings):
    settings.WORKER_HEARTBEAT_SECONDS = 30
    WorkerHeartbeat.objects.create(
        hostname="worker@old", last_seen=timezone.now() - timedelta(minutes=5)
    )
    body = viewer_client.get("/", **FRAGMENT).text
    assert "Stopped" in body
    assert "more than 90 seconds" in body
    assert "worker@old" in body


def test_heartbeats_update_one_row_per_worker():
    record_heartbeat("a@host")
    first = WorkerHeartbeat.objects.get().last_seen
    record_heartbeat("a@host")
    record_heartbeat("b@host")
    assert WorkerHeartbeat.objects.count() == 2
    assert WorkerHeartbeat.objects.get(hostname="a@host").last_seen >= first
