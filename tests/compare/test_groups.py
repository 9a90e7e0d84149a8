"""Equivalence: automatic grouping by labels, curated groups and corrections, across re-syncs."""

import pytest
from django.test import Client

from compare import services
from compare.models import GroupMember, ServiceGroup
from compare.search import Criteria, compare
from providers import services as provider_services

pytestmark = pytest.mark.django_db


def one(provider, **labels):
    return provider.services.filter(active=True, **labels).order_by("rate").first()


def resync(provider):
    sync = provider_services.sync_catalog(provider)
    assert sync.status == "ok", sync.error


def test_equivalents_are_the_same_product_with_at_least_the_same_refill(market):
    russian = one(market["smmub"], platform="instagram", kind="followers", refill_days=30)
    found = compare(Criteria(like=russian)).offers
    assert len({offer.provider.name for offer in found}) > 1
    for offer in found:
        same = ("platform", "kind", "quality", "geo")
        assert [getattr(offer.service, name) for name in same] == [
            getattr(russian, name) for name in same
        ]
        assert offer.service.refill_in_name and offer.service.refill_days >= 30


def test_a_curated_group_wins_over_labels_and_survives_resyncs(market, simulator):
    cheap = one(market["smmsheba"], platform="instagram", kind="followers")
    real = market["smmpllus"].services.filter(platform="instagram", kind="followers").last()
    group = services.create_group("IG followers, any", seed=cheap)
    services.pin(group, [real])

    assert {o.service.pk for o in compare(Criteria(group=group)).offers} == {cheap.pk, real.pk}
    assert {o.service.pk for o in compare(Criteria(like=cheap)).offers} == {cheap.pk, real.pk}

    # The panel renames the service into something unrecognisable, and reprices it.
    panel = simulator.panel("smmsheba")
    panel.service(cheap.service_id).name = "Special offer #7"
    panel.service(cheap.service_id).category = "Specials"
    panel.set_rate(cheap.service_id, cheap.rate * 2)
    resync(market["smmsheba"])

    cheap.refresh_from_db()
    assert cheap.name == "Special offer #7" and cheap.kind == ""  # relabelled from the name
    assert GroupMember.objects.get(service=cheap).group == group  # still pinned
    # Searched by its group's platform and kind, it still appears, at its new price.
    found = {o.service.pk: o for o in compare(Criteria(text="instagram followers")).offers}
    assert found[cheap.pk].service.rate == cheap.rate


def test_a_vanished_member_comes_back_in_its_group(market, simulator):
    member = one(market["smmprovider"], platform="tiktok", kind="views")
    group = services.create_group("TikTok views", seed=member)
    simulator.panel("smmprovider").withdraw(member.service_id)
    resync(market["smmprovider"])
    assert compare(Criteria(group=group)).offers == []
    simulator.panel("smmprovider").restore(member.service_id)
    resync(market["smmprovider"])
    assert [o.service.pk for o in compare(Criteria(group=group)).offers] == [member.pk]


def test_a_correction_is_kept_by_syncs_until_put_back_on_automatic(
    market, simulator, manager_client
):
    service = one(market["smmprovider"], platform="twitter", kind="shares")
    response = manager_client.post(
        f"/compare/offers/{service.pk}/labels/",
        {
            "platform": "twitter",
            "kind": "likes",
            "quality": "real",
            "refill": "days",
            "refill_days": "45",
            "geo": "USA",
            "speed": "",
        },
    )
    assert response.status_code == 302
    service.refresh_from_db()
    assert (service.kind, service.refill_days, service.labels_fixed) == ("likes", 45, True)

    simulator.panel("smmprovider").service(service.service_id).name += " [New]"
    resync(market["smmprovider"])
    service.refresh_from_db()
    assert service.name.endswith("[New]") and service.kind == "likes"
    assert service.pk in {o.service.pk for o in compare(Criteria(text="twitter likes")).offers}

    manager_client.post(f"/compare/offers/{service.pk}/labels/", {"automatic": "1"})
    service.refresh_from_db()
    assert (service.kind, service.labels_fixed) == ("shares", False)


def test_a_bad_correction_is_explained(market, manager_client):
    service = one(market["smmbros"])
    response = manager_client.post(
        f"/compare/offers/{service.pk}/labels/", {"platform": "tiktok", "refill": "days"}
    )
    assert response.status_code == 200
    assert "How many days does the refill cover?" in response.content.decode()
    service.refresh_from_db()
    assert not service.labels_fixed


def test_suggestions_rank_the_same_product_first_whatever_the_language(market):
    same = ("quality", "refill_days", "geo")

    def russian_twins(service):
        return market["smmub"].services.filter(
            platform=service.platform,
            kind=service.kind,
            **{name: getattr(service, name) for name in same},
        )

    seed = next(
        service
        for service in market["smmprovider"].services.filter(refill_in_name=True)
        if russian_twins(service).exists()
    )
    group = services.create_group("IG followers with refill", seed=seed)
    suggested = services.suggestions(group)
    assert suggested and all(s.service.pk != seed.pk for s in suggested)
    assert [s.score for s in suggested] == sorted((s.score for s in suggested), reverse=True)
    top = [s.service for s in suggested if s.score == suggested[0].score]
    assert all((s.quality, s.refill_days) == (seed.quality, seed.refill_days) for s in top)
    # The Russian panel's services with the same labels rank above every English one with
    # different labels.
    ranks = {s.service.pk: rank for rank, s in enumerate(suggested)}
    different = [
        rank
        for rank, s in enumerate(suggested)
        if [getattr(s.service, n) for n in same] != [getattr(seed, n) for n in same]
    ]
    for twin in russian_twins(seed):
        assert ranks[twin.pk] < min(different, default=len(suggested))


def test_pinning_from_an_offer_page(market, manager_client, viewer):
    service = one(market["smmub"], platform="telegram", kind="members")
    url = f"/compare/offers/{service.pk}/pin/"
    viewer_client = Client()
    viewer_client.force_login(viewer)
    assert viewer_client.post(url, {"new_name": "TG members"}).status_code == 403
    response = manager_client.post(url, {"new_name": "TG members"})
    group = ServiceGroup.objects.get(name="TG members")
    assert response.url == f"/compare/groups/{group.pk}/"
    assert (group.platform, group.kind) == ("telegram", "members")

    page = manager_client.get(response.url).content.decode()
    assert service.name in page and "Suggested matches" in page
    suggestion = services.suggestions(group)[0].service
    manager_client.post(response.url, {"add": "1", "service": [suggestion.pk]})
    assert set(group.members.values_list("service_id", flat=True)) == {service.pk, suggestion.pk}

    duplicate = manager_client.post(url, {"new_name": "tg MEMBERS"})
    assert "There is already a group named" in duplicate.content.decode()
