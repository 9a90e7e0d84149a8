"""Labels are written as catalogs sync, in bulk; the offer and group pages."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from compare import services
from compare.templatetags.offers import options
from orders.services import rollups
from providers import services as provider_services
from providers.models import Service
from tests.market import GROUP, build_market, finished_history, offer_at

pytestmark = pytest.mark.django_db


def test_a_sync_labels_new_services_and_relabels_renamed_ones_in_bulk(synced, simulator):
    provider = synced("smmbros")
    assert not provider.services.filter(platform="").exists()
    assert not provider.services.filter(kind="").exists()
    service = provider.services.filter(platform="tiktok", kind="likes").first()

    panel = simulator.panel("smmbros")
    panel.service(service.service_id).name = "YT - Subscribers | Refill 30 days | Real"
    panel.withdraw(provider.services.exclude(pk=service.pk).first().service_id)
    with CaptureQueriesContext(connection) as captured:
        assert provider_services.sync_catalog(provider).status == "ok"
    service.refresh_from_db()
    assert (service.platform, service.kind, service.quality) == ("youtube", "subscribers", "real")
    assert service.refill_days == 30
    assert len(captured) < 40  # a handful of bulk statements, not one per service
    gone = provider.services.get(active=False)
    assert gone.vanished_at is not None


def test_the_relabel_command_keeps_corrections(synced, capsys):
    provider = synced("smmub")
    fixed = provider.services.first()
    Service.objects.filter(pk=fixed.pk).update(kind="comments", labels_fixed=True)
    Service.objects.exclude(pk=fixed.pk).update(platform="")
    call_command("classify_services")
    assert f"{provider.services.count() - 1} services relabelled." in capsys.readouterr().out
    assert not provider.services.filter(platform="").exists()
    assert Service.objects.get(pk=fixed.pk).kind == "comments"


def test_the_offer_page_plots_its_price_and_lists_equivalents(market, simulator, viewer_client):
    service = market["smmpllus"].services.filter(platform="tiktok", kind="views").first()
    simulator.panel("smmpllus").set_rate(service.service_id, service.rate * 2)
    assert provider_services.sync_catalog(market["smmpllus"]).status == "ok"
    page = viewer_client.get(f"/compare/offers/{service.pk}/", {"quantity": "5000"})
    body = page.content.decode()
    assert '<polyline class="chart-line"' in body
    assert "first seen" in body and "Equivalents at every provider" in body
    assert "Correct them" not in body  # a viewer cannot change labels


def test_the_group_pages(market, viewer_client):
    seed = market["smmsheba"].services.filter(platform="telegram", kind="members").first()
    group = services.create_group("Telegram members", seed=seed, note="Channels only")
    listing = viewer_client.get("/compare/groups/").content.decode()
    assert "Telegram members" in listing and "Channels only" in listing
    page = viewer_client.get(f"/compare/groups/{group.pk}/", {"quantity": "100"}).content.decode()
    assert seed.name in page and "Suggested matches" in page
    assert viewer_client.post(f"/compare/groups/{group.pk}/", {"delete": "1"}).status_code == 403


def test_empty_groups_page_explains(viewer_client):
    assert "No curated groups yet" in viewer_client.get("/compare/groups/").content.decode()


def test_unpinning_and_deleting(market, manager_client):
    seed = market["smmsheba"].services.filter(platform="telegram", kind="members").first()
    group = services.create_group("TG", seed=seed)
    manager_client.post(f"/compare/offers/{seed.pk}/pin/", {"unpin": "1"})
    assert not group.members.exists()
    manager_client.post(f"/compare/groups/{group.pk}/", {"delete": "1"})
    assert not type(group).objects.exists()
    assert Service.objects.filter(pk=seed.pk, active=True).exists()  # the service stays


def test_every_admin_list_and_the_group_form_open(market, admin_client):
    from django.contrib import admin

    seed = market["smmsheba"].services.first()
    group = services.create_group("Admin view", seed=seed)
    for model in admin.site._registry:
        meta = model._meta
        url = f"/admin/{meta.app_label}/{meta.model_name}/"
        assert admin_client.get(url).status_code == 200, url
    page = admin_client.get(f"/admin/compare/servicegroup/{group.pk}/change/").content.decode()
    assert "Admin view" in page and str(seed.pk) in page


def test_the_page_shows_fifty_offers_first_and_more_on_request(synced, viewer_client):
    for panel in ("smmprovider", "smmpllus", "smmsheba"):
        synced(panel)
    page = viewer_client.get("/compare/", {"q": "instagram"}).content.decode()
    assert page.count('<td class="offer-service card-title">') == 50
    assert "99 offers, the first 50 shown" in page and "show the first 100" in page

    more = viewer_client.get("/compare/", {"q": "instagram", "rows": "100"}).content.decode()
    assert more.count('<td class="offer-service card-title">') == 99  # every offer: no further link
    assert "show the first" not in more
    # Past the most the page draws, the answer is the most, never an error.
    huge = viewer_client.get("/compare/", {"q": "instagram", "rows": "99999"})
    assert huge.status_code == 200


def test_an_offers_page_and_its_compare_row_say_which_orders_they_count(
    profiled, synced, place, time_passes, viewer_client
):
    """The row judges on finished orders; the page counts every order and says how many of
    them finished, so 14 on one and 12 on the other do not look like a disagreement."""
    seller = build_market(synced)["smmprovider"]
    finished_history(place, time_passes, seller)  # 12 finished
    service = offer_at(seller).service
    for number in range(2):
        place(service, 1000, link=f"https://instagram.com/open/{number}")
    rollups.refresh_due()

    assert offer_at(seller).record.why.startswith("delivered 100% of 12 finished orders")
    row = viewer_client.get("/compare/", {"q": GROUP, "quantity": "1000"}).text
    assert "delivered 100% of 12 finished orders" in row
    page = viewer_client.get(f"/compare/offers/{service.pk}/").text
    card = page[page.index('id="offer-scorecard"') :]
    assert "<dd>14 <span" in card and "of which 12 finished" in card


def test_an_option_the_panel_has_not_stated_says_not_known_not_a_question(market, viewer_client):
    drawn = str(options(Service(refill=None, refill_in_name=None, cancel=None, dripfeed=True)))
    assert ">Cancel: not known<" in drawn and ">Refill: not known<" in drawn
    assert "Cancel?" not in drawn and "the panel&#x27;s catalog has not said" in drawn
    # The provider column is headed by what its cells say: the balance, or whether it covers.
    priced = viewer_client.get("/compare/?q=instagram+followers&quantity=1000").text
    assert "Provider, and whether its balance covers the cost" in priced
    assert "Covers it" in priced or "Short by" in priced
    unpriced = viewer_client.get("/compare/?q=instagram+followers&quantity=").text
    assert "Provider, balance<" in unpriced
