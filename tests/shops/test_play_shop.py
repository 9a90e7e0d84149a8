"""manage.py play_shop: a reseller's panel buying from a running smmdash over HTTP."""

from io import StringIO

import pytest
from django.core.management import call_command

from shops.models import ApiCall, ShopOrder

pytestmark = pytest.mark.django_db(transaction=True)


def test_play_shop_reads_the_balance_and_services_adds_and_reads_the_status(
    live_server, shop, key, product
):
    out = StringIO()
    call_command("play_shop", "--url", f"{live_server.url}/api/v2", "--key", key, stdout=out)

    placed = list(ShopOrder.objects.filter(shop=shop).order_by("pk"))
    assert len(placed) == 3  # the three cheapest of what the market sells
    assert "Balance 100.0000; " in out.getvalue() and "; 3 orders placed: " in out.getvalue()
    assert f"#{placed[0].pk} Pending" in out.getvalue()
    calls = ApiCall.objects.filter(shop=shop).order_by("at", "pk")
    actions = list(calls.values_list("action", flat=True))
    assert actions == ["balance", "services", "add", "add", "add", "status"]
    assert key not in out.getvalue()
