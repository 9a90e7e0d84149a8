from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.db.models import F
from django.test import Client
from django.utils import translation

from orders import services as order_services
from orders.models import Order, Refill
from providers import services
from providers.models import Provider
from simulator import DELIVERY_PROFILES
from smmdash.lib.access import ROLES
from tests.market import build_market


def pytest_report_header(config):
    database = settings.DATABASES["default"]
    broker = settings.CELERY_BROKER_URL.split("@")[-1]
    return f"smmdash: database {database['ENGINE'].rsplit('.', 1)[-1]}, broker {broker}"


def make_user(django_user_model, username, *roles, **fields):
    user = django_user_model.objects.create_user(username=username, password="pw", **fields)
    user.groups.add(*Group.objects.filter(name__in=roles))
    return user


@pytest.fixture(autouse=True)
def in_english():
    """Each test starts in the default language: a request in Russian leaves its language
    active in the thread that served it, which is the test's own with the test client."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def dashboard_up_for_long(monkeypatch):
    """The dashboard process has run for an hour, so a worker that has never reported in is
    not running, rather than still starting (tests of that moment set it back)."""
    import time

    monkeypatch.setattr("dashboard.health._PROCESS_STARTED", time.monotonic() - 3600)


@pytest.fixture
def viewer(django_user_model):
    return make_user(django_user_model, "viewer", "View only")


@pytest.fixture
def buyer(django_user_model):
    return make_user(django_user_model, "buyer", "Place orders")


@pytest.fixture
def manager(django_user_model):
    return make_user(django_user_model, "manager", "Manage providers")


@pytest.fixture
def staff_admin(django_user_model):
    return make_user(django_user_model, "boss", *ROLES, is_staff=True, is_superuser=True)


@pytest.fixture
def nobody(django_user_model):
    """Logged in, but in no role."""
    return make_user(django_user_model, "nobody")


@pytest.fixture
def buyer_client(buyer):
    """A client of its own, so a test can hold it and viewer_client at once."""
    client = Client()
    client.force_login(buyer)
    return client


@pytest.fixture
def viewer_client(client, viewer):
    client.force_login(viewer)
    return client


@pytest.fixture
def processes(tmp_path):
    from tests.processes import Processes

    running = Processes(tmp_path)
    yield running
    running.stop_all()


def pytest_generate_tests(metafunc):
    """Modules marked ``over_http_and_https`` run each simulator test once per scheme."""
    if metafunc.definition.get_closest_marker("over_http_and_https") and (
        "simulator" in metafunc.fixturenames
    ):
        metafunc.parametrize("simulator", ["http", "https"], indirect=True)


@pytest.fixture(scope="session")
def simulator_server():
    """The simulator, over HTTP and HTTPS; its CA file is where PANEL_CA_BUNDLE points."""
    from simulator import ManualClock, Simulator

    tls_dir = Path(settings.PANEL_CA_BUNDLE).parent
    server = Simulator(clock=ManualClock(), tls_dir=tls_dir).start()
    assert server.ca_file == settings.PANEL_CA_BUNDLE
    yield server
    server.stop()


@pytest.fixture
def simulator(request, simulator_server):
    """The five simulated panels on loopback, fresh for each test, on a manual clock; over HTTP,
    or the scheme a test is parametrized with."""
    simulator_server.reset()
    simulator_server.scheme = getattr(request, "param", "http")
    yield simulator_server
    simulator_server.scheme = "http"


@pytest.fixture
def make_provider(simulator):
    """Save a provider for one simulated panel, as the add form would (without the form)."""

    def make_provider(panel="smmsheba", *, name=None, key=None, **fields):
        provider = Provider(name=name or panel, api_url=simulator.url(panel), **fields)
        return services.save_provider(provider, api_key=key or simulator.key(panel))

    return make_provider


@pytest.fixture
def synced(make_provider):
    """A provider whose catalog and balance have been read once."""

    def synced(panel="smmsheba", **fields):
        provider = make_provider(panel, **fields)
        services.refresh_balance(provider)
        sync = services.sync_catalog(provider)
        assert sync.status == "ok", sync.error
        provider.refresh_from_db()
        return provider

    return synced


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    return client


@pytest.fixture
def place(buyer):
    """Queue an order the way the form does, then run the submit task's body once."""

    def place(service, quantity=None, *, link="https://instagram.com/p/smmdash", **extra):
        order, _ = order_services.create_order(
            service, link=link, quantity=quantity or service.min, extra=extra, user=buyer
        )
        order_services.submit(order.pk)
        return Order.objects.select_related("provider", "service").get(pk=order.pk)

    return place


@pytest.fixture
def profiled(simulator):
    """The simulator with each panel's delivery profile on (slow starter, often partial,
    refills that never complete); back to plain panels after the test."""
    simulator.delivery_profiles = DELIVERY_PROFILES
    simulator.reset()
    yield simulator
    simulator.delivery_profiles = {}
    simulator.reset()


@pytest.fixture
def market(profiled, synced):
    """tests.market's three panels selling one product (GROUP), delivery profiles on."""
    return build_market(synced)


@pytest.fixture
def time_passes(simulator):
    """Move the simulated panels' clock and smmdash's orders' past by the same amount, as if
    `seconds` went by for both (the panels' clock is manual, smmdash's is the real one)."""

    def time_passes(seconds):
        simulator.advance(seconds)
        earlier = timedelta(seconds=seconds)
        Order.objects.update(
            placed_at=F("placed_at") - earlier,
            started_at=F("started_at") - earlier,
            finished_at=F("finished_at") - earlier,
            cancel_requested_at=F("cancel_requested_at") - earlier,
            status_checked_at=F("status_checked_at") - earlier,
        )
        Refill.objects.update(requested_at=F("requested_at") - earlier)

    return time_passes
