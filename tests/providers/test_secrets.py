"""An API key never shows: in no page, fragment, admin form, message or log record, even when
the panel quotes it back in an error."""

import logging

import pytest
from django.db.models import F

from providers import services
from providers.models import ManualCall, Provider
from providers.services.manual_calls import MANUAL_CALL_EVERY
from tests.htmx import htmx_headers

pytestmark = pytest.mark.django_db

KEY = "sk_live_5d4c3b2a19f8e7d6c5b4a392817065f4"


def a_minute_passes():
    ManualCall.objects.update(called_at=F("called_at") - MANUAL_CALL_EVERY)


def test_the_key_appears_nowhere_staff_or_logs_can_see(
    client, staff_admin, simulator, caplog, django_capture_on_commit_callbacks
):
    client.force_login(staff_admin)
    simulator.panel("smmprovider").ledger.open_account(KEY)
    form = {
        "name": "Leaky panel",
        "api_url": simulator.url("smmprovider"),
        "api_key": KEY,
        "sync_interval_minutes": "360",
        "enabled": "on",
    }
    bodies = {}
    caplog.set_level(logging.DEBUG)

    # The panel quotes the key back at every step: the connection test, then save anyway...
    simulator.inject("smmprovider", "echo_key", times=10)
    bodies["failed test"] = client.post("/providers/add/", form)
    save_anyway = {**form, "save_anyway": "on"}
    bodies["saved anyway"] = client.post("/providers/add/", save_anyway, follow=True)
    provider = Provider.objects.get()
    pk = provider.pk
    # ...a balance refresh and a catalog sync, whose errors pages show.
    bodies["balance fragment"] = client.post(
        f"/providers/{pk}/balance/", **htmx_headers(f"balance-{pk}")
    )
    a_minute_passes()  # hand-made calls are one a minute per provider
    bodies["balance redirect"] = client.post(f"/providers/{pk}/balance/", follow=True)
    with django_capture_on_commit_callbacks(execute=False):
        bodies["sync fragment"] = client.post(f"/providers/{pk}/sync/", **htmx_headers())
    services.sync_catalog(provider)
    a_minute_passes()
    bodies["admin action"] = client.post(
        "/admin/providers/provider/",
        {"_selected_action": [pk], "action": "refresh_balances", "index": 0},
        follow=True,
    )
    simulator.reset()  # the panel answers properly again
    simulator.panel("smmprovider").ledger.open_account(KEY)
    services.sync_catalog(provider)
    pages = [
        "/",
        "/providers/",
        f"/providers/{pk}/",
        f"/providers/{pk}/edit/",
        f"/providers/{pk}/delete/",
        f"/providers/{pk}/services/",
        f"/providers/{pk}/services/?export=csv",
        "/admin/providers/provider/",
        f"/admin/providers/provider/{pk}/change/",
        "/admin/providers/catalogsync/",
        f"/admin/providers/catalogsync/{provider.syncs.first().pk}/change/",
        "/admin/providers/balancesnapshot/",
        "/admin/providers/service/",
        "/compare/?q=instagram+followers",
        "/compare/?q=instagram&export=csv",
        f"/compare/offers/{provider.services.first().pk}/",
        "/compare/rates/",
    ]
    for url in pages:
        bodies[url] = client.get(url)
    bodies["list fragment"] = client.get("/providers/", **htmx_headers("provider-table"))
    bodies["dashboard fragment"] = client.get("/", **htmx_headers("balances"))
    bodies["compare fragment"] = client.get(
        "/compare/?q=tiktok+views", **htmx_headers("compare-results")
    )

    # The panel did quote the key, and the errors it caused are on show, masked.
    for name in ("failed test", "balance fragment", "admin action", f"/providers/{pk}/"):
        assert "Invalid API key: ••••65f4" in bodies[name].content.decode(), name
    for name, response in bodies.items():
        content = b"".join(response.streaming_content) if response.streaming else response.content
        text = content.decode()
        assert KEY not in text, name
        assert provider.api_key_encrypted not in text, name
    records = [record.getMessage() for record in caplog.records]
    assert records and not [message for message in records if KEY in message]
    assert provider.masked_key == "••••65f4"
