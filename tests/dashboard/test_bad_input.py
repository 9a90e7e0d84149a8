"""No input gives a server error: odd digits, huge numbers, words where ids go, files that are
not CSV. Each gets a clear message or is ignored, and nothing changes."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from compare.models import ServiceGroup
from orders.models import Order
from tests.orders.conftest import a_service

pytestmark = pytest.mark.django_db

SUPERSCRIPT_TWO = "%C2%B2"  # "²": str.isdigit() says yes, int() says no
HUGE_ID = "1" * 23  # beyond any database's integer
HUGE_NUMBER = "9" * 40
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06" + bytes(64)


@pytest.fixture
def world(synced, place, staff_admin):
    provider = synced("smmprovider")
    service = a_service(provider)
    order = place(service)
    group = ServiceGroup.objects.create(name="IG followers", platform="instagram", kind="followers")
    return provider, service, order, group


@pytest.fixture
def admin_client(client, staff_admin):
    client.force_login(staff_admin)
    return client


GETS = [
    f"/orders/live/?ids={SUPERSCRIPT_TWO}",
    f"/orders/live/?ids={HUGE_ID},1",
    f"/orders/?q={SUPERSCRIPT_TWO}",
    f"/orders/?q=%23{HUGE_ID}",
    f"/orders/?page={HUGE_ID}",
    f"/orders/new/?service={SUPERSCRIPT_TWO}",
    f"/orders/new/?service={HUGE_ID}",
    f"/orders/{HUGE_ID}/",
    f"/providers/{HUGE_ID}/",
    f"/providers/{HUGE_ID}/services/",
    f"/compare/offers/{HUGE_ID}/",
    f"/compare/groups/{HUGE_ID}/",
    f"/compare/?q=instagram+followers&quantity={HUGE_NUMBER}",
    f"/compare/?q=instagram+followers&quantity={SUPERSCRIPT_TWO}",
    f"/admin/orders/order/{HUGE_ID}/change/",
    f"/admin/providers/provider/{HUGE_ID}/change/",
]


@pytest.mark.parametrize("url", GETS)
def test_odd_numbers_in_a_get_are_ignored_or_not_found(world, admin_client, url):
    response = admin_client.get(url)

    assert response.status_code in (200, 302, 404), response.status_code


def test_a_huge_quantity_in_the_order_link_and_form_is_refused_in_words(world, admin_client):
    _, service, _, _ = world
    page = admin_client.get(f"/orders/new/?service={service.pk}&quantity={HUGE_NUMBER}")
    assert page.status_code == 200

    cost = admin_client.post(
        f"/orders/new/?service={service.pk}",
        {"link": "https://instagram.com/p/x", "quantity": HUGE_NUMBER},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="order-cost",
    )
    assert cost.status_code == 200

    token = page.context["form"].initial["form_token"]
    response = admin_client.post(
        f"/orders/new/?service={service.pk}",
        {"form_token": token, "link": "https://instagram.com/p/x", "quantity": HUGE_NUMBER},
    )
    assert response.status_code == 200
    assert "Ensure this value is less than or equal to" in response.content.decode()
    assert Order.objects.count() == 1  # only the fixture's


def test_bulk_with_ids_that_are_not_numbers_changes_nothing(world, admin_client):
    response = admin_client.post(
        "/orders/bulk/", {"action": "cancel", "ids": ["abc", SUPERSCRIPT_TWO, HUGE_ID]}, follow=True
    )

    assert response.status_code == 200
    assert "Tick the orders to act on first." in response.content.decode()


def test_pinning_services_that_are_not_numbers_changes_nothing(world, admin_client):
    _, _, _, group = world
    response = admin_client.post(
        f"/compare/groups/{group.pk}/", {"service": ["abc", HUGE_ID]}, follow=True
    )

    assert response.status_code == 200
    assert "0 services added." in response.content.decode()
    assert not group.members.exists()


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (b"service,link,quantity\n1,https://x.com/" + b"a" * 128 * 1024 + b",100\n", "too long"),
        (PNG, "not a CSV file"),
        (bytes(range(256)) * 64, "not a CSV file"),
        (b'1,"https://x.com,100\n' + b"x" * 200_000, "too long"),
    ],
)
def test_a_mass_order_file_that_is_no_csv_is_refused_in_words(world, admin_client, upload, message):
    provider, _, _, _ = world
    response = admin_client.post(
        "/orders/mass/",
        {
            "provider": provider.pk,
            "form_token": "t" * 32,
            "csv_file": SimpleUploadedFile("orders.csv", upload, content_type="text/csv"),
        },
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert Order.objects.count() == 1


def test_a_mass_order_line_with_a_huge_quantity_is_reported(world, admin_client):
    provider, service, _, _ = world
    response = admin_client.post(
        "/orders/mass/",
        {
            "provider": provider.pk,
            "form_token": "t" * 32,
            "lines": f"{service.service_id} | https://instagram.com/p/x | {HUGE_NUMBER}",
        },
    )

    assert response.status_code == 200
    assert "Line 1" in response.content.decode()
    assert Order.objects.count() == 1
