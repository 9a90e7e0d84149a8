"""Every page and every fragment, fetched as an administrator with every role, shows no API key.

The URLs come from the URL configuration and the admin's registry, and the fragments from
every `{% partialdef %}` in the templates, so a page or fragment added later is covered too.
"""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib import admin
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from alerts import services as alerts
from alerts.models import Channel
from alerts.services import save_channel
from compare.services import create_group
from orders import services as orders
from orders.models import Order
from providers.models import Provider
from rates.services import set_rate
from shops.services import create_shop
from spend.services import record_top_up
from tests.htmx import htmx_headers
from tests.orders.conftest import PANELS, a_service

pytestmark = pytest.mark.django_db

PARTIALS = sorted(
    {
        name
        for template in Path(settings.BASE_DIR, "templates").rglob("*.html")
        for name in re.findall(r"{% partialdef ([\w-]+)", template.read_text())
    }
)


def named_routes(patterns=None, namespace=""):
    """(view name, converter names) of every named URL, admin aside."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from named_routes(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", list(entry.pattern.converters)


def app_urls(objects):
    urls = []
    for name, arguments in named_routes():
        if not arguments:
            urls.append(reverse(name))
            continue
        owner = objects[name.split(":")[0] if not name.startswith("compare:group") else "group"]
        urls.append(reverse(name, kwargs={"pk": owner.pk}))
    return urls


def admin_urls():
    urls = []
    for model, model_admin in admin.site._registry.items():
        info = model._meta.app_label, model._meta.model_name
        urls.append(reverse("admin:{}_{}_changelist".format(*info)))
        if model_admin.has_add_permission(_FakeRequest()):
            urls.append(reverse("admin:{}_{}_add".format(*info)))
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            urls.append(reverse("admin:{}_{}_change".format(*info), args=[first.pk]))
            urls.append(reverse("admin:{}_{}_history".format(*info), args=[first.pk]))
    return urls


class _FakeRequest:
    class user:  # stands in for a superuser
        is_active = is_staff = is_superuser = True

        @staticmethod
        def has_perm(*args):
            return True


@pytest.fixture
def everything(synced, simulator, staff_admin, place):
    """Five synced panels, orders in most states, a refill, a curated group and a rate."""
    providers = [synced(p, currency="RUB" if p == "smmub" else "") for p in PANELS]
    set_rate("RUB", Decimal("0.0108"), user=staff_admin)
    provider = providers[1]  # smmprovider: refill and cancel
    service = a_service(provider, refill=True)
    completed = place(service)
    simulator.advance(7200)
    orders.poll_provider(provider)
    completed.refresh_from_db()
    orders.refill_order(completed, staff_admin)
    place(service)  # pending
    simulator.inject("smmprovider", "reset", action="add", after=True)
    place(service)  # needs checking
    simulator.inject("smmprovider", "echo_key", action="add")
    place(service)  # rejected, in the panel's words, which quote the key
    assert Order.objects.filter(status="rejected", last_error__contains="••••").exists()
    group = create_group("IG followers", seed=service, user=staff_admin)
    top_up = record_top_up(provider, amount=Decimal("50"), note="card", user=staff_admin)
    channel = save_channel(
        Channel(name="Ops hook", kind=Channel.Kind.APPRISE),
        "json://127.0.0.1:9/hook?token=" + simulator.key("smmprovider"),
    )
    alerts.evaluate()  # the needs-checking order opens an alert
    shop, shop_key = create_shop("Reseller panel", credit=Decimal(5))
    client_of_shop = Client()
    client_of_shop.post("/api/v2", {"key": shop_key, "action": "balance"})
    return {
        "providers": provider,
        "orders": completed,
        "compare": service,
        "group": group,
        "spend": top_up,
        "alerts": channel,
        "shops": shop,
        "keys": [simulator.key(p) for p in PANELS] + [shop_key],
        "encrypted": [p.api_key_encrypted for p in Provider.objects.all()],
        # A notification URL holds its service's token: never shown either.
        "hook": [channel.target, channel.target_encrypted],
    }


def body_of(response):
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def test_no_page_or_fragment_shows_an_api_key(client, staff_admin, everything):
    client.force_login(staff_admin)
    open_ids = ",".join(str(pk) for pk in Order.objects.values_list("pk", flat=True))
    urls = [
        *app_urls(everything),
        *admin_urls(),
        f"/orders/live/?ids={open_ids}",
        "/compare/?q=instagram+followers",
        "/orders/?status=unknown",
    ]
    fetched = 0
    for url in urls:
        for variant in (url, url + ("&" if "?" in url else "?") + "export=csv"):
            responses = [client.get(variant)]
            if variant == url:
                responses += [client.get(url, **htmx_headers(name)) for name in PARTIALS]
            for response in responses:
                assert response.status_code < 500, url
                text = body_of(response)
                for secret in everything["keys"] + everything["encrypted"] + everything["hook"]:
                    assert secret not in text, f"{url} shows a key"
                fetched += 1
    # The walk really went everywhere: every app page, the admin, every fragment.
    assert len(urls) > 60 and len(PARTIALS) > 15
    assert fetched == len(urls) * (2 + len(PARTIALS))
