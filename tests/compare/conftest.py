from decimal import Decimal

import pytest
from django.test import Client

from rates.models import ExchangeRate

PANELS = ["smmsheba", "smmprovider", "smmbros", "smmub", "smmpllus"]
RUB_IN_USD = Decimal("0.0108")


@pytest.fixture
def market(synced):
    """The five simulated panels synced (smmub in RUB, with a RUB rate): {panel: provider}."""
    ExchangeRate.objects.create(currency="RUB", base="USD", rate=RUB_IN_USD)
    # smmub's balance answer names no currency: staff set it, as the demo does.
    return {panel: synced(panel, currency="RUB" if panel == "smmub" else "") for panel in PANELS}


@pytest.fixture
def buyer_client(buyer):
    client = Client()
    client.force_login(buyer)
    return client
