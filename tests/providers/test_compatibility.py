"""The compatibility card: what the client learned about a panel, probed when it is added and
kept up to date by every later call, shown on the provider page."""

import pytest

from providers import services
from providers.models import Provider
from tests.providers.test_forms import form_data

pytestmark = pytest.mark.django_db


def add(manager_client, simulator, panel, **fields):
    data = form_data(simulator, panel) | {"name": panel} | fields
    response = manager_client.post("/providers/add/", data)
    assert response.status_code == 302, response.context["form"].errors
    return Provider.objects.get(name=panel)


@pytest.mark.over_http_and_https
def test_adding_a_wild_panel_probes_it_and_the_page_says_what_was_learned(
    manager_client, simulator, settings
):
    settings.PANEL_CA_BUNDLE = simulator.ca_file
    provider = add(manager_client, simulator, "primesmm")

    assert provider.capabilities["request_form"] == "form:api_token"
    assert provider.capabilities["multi_status"] is True
    page = manager_client.get(f"/providers/{provider.pk}/").content.decode()
    assert "form POST, key as api_token" in page
    assert "yes, 100 orders per request" in page
    assert "Last learned" in page
    assert simulator.key("primesmm") not in page

    services.sync_catalog(provider)  # the first sync finds the catalog's action name

    page = manager_client.get(f"/providers/{provider.pk}/").content.decode()
    assert "packages" in page


def test_a_panel_without_multi_status_and_what_is_not_known_yet(manager_client, simulator):
    provider = add(manager_client, simulator, "smmsheba")

    page = manager_client.get(f"/providers/{provider.pk}/").content.decode()

    assert "no <span" in page and "one request per order" in page
    # Cancel and refill are asked about when the account is added (for order 0).
    assert "no: the panel has no such action" in page
    assert "found at the first refill asked" not in page
    assert "found at the first cancel asked" not in page
    assert "reported by the panel" in page


def test_a_new_url_forgets_what_was_learned_of_the_old_one(manager_client, simulator):
    provider = add(manager_client, simulator, "smmpanelus")
    assert provider.capabilities["request_form"] == "json"

    data = form_data(simulator, "smmprovider") | {"name": provider.name}
    manager_client.post(f"/providers/{provider.pk}/edit/", data)

    provider.refresh_from_db()
    assert provider.capabilities["request_form"] == "form"


def test_what_later_calls_learn_is_kept_with_its_time(make_provider, simulator):
    provider = make_provider("fewatonce")
    assert provider.capabilities == {} and provider.capabilities_learned_at is None

    services.refresh_balance(provider)

    provider.refresh_from_db()
    assert provider.capabilities["request_form"] == "form"
    assert provider.capabilities_learned_at is not None
