"""Which provider URLs the server may request (server-side request forgery).

The URL's form is checked when it is entered; where its host leads is checked by the client
at connect time (tests/client/test_sending.py), so every path to a panel passes through it.
"""

import socket

import pytest

from panel.addresses import UnsafeProviderURL, check_provider_url
from providers import services


@pytest.fixture
def production(settings):
    settings.PROVIDER_ALLOW_PRIVATE_HOSTS = False


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/api/v2",
        "http://localhost/api/v2",
        "http://10.1.2.3/api/v2",
        "http://192.168.0.10/api/v2",
        "http://172.16.5.4/api/v2",
        "http://169.254.169.254/latest/meta-data/",  # cloud metadata
        "http://[::1]:8000/api/v2",
        "http://[::ffff:127.0.0.1]/api/v2",
        "http://[fe80::1]/api/v2",
        "http://0.0.0.0/api/v2",
    ],
)
def test_internal_hosts_are_refused_by_the_connection_test_in_production(production, url):
    with pytest.raises(services.ProviderAddressRefused, match="must be on public addresses"):
        services.check_connection(url, "k" * 32)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://panel.example/api", "must start with http:// or https://"),
        ("file:///etc/passwd", "must start with http:// or https://"),
        ("gopher://panel.example/", "must start with http:// or https://"),
        ("https://admin:secret@panel.example/api", "must not contain a user name or password"),
        ("https:///api/v2", "has no host name"),
        ("https://panel.example:http/api/v2", "port is not a number"),
    ],
)
def test_other_unusable_urls_are_refused_with_a_reason(production, url, message):
    with pytest.raises(UnsafeProviderURL, match=message):
        check_provider_url(url)


def test_a_host_that_does_not_resolve_is_said_so(production):
    with pytest.raises(services.ProviderProblem, match="host name not found"):
        services.check_connection("https://panel.invalid/api/v2", "k" * 32)


def test_the_setting_allows_internal_hosts_but_never_other_schemes(settings, simulator):
    settings.PROVIDER_ALLOW_PRIVATE_HOSTS = True
    check = services.check_connection(simulator.url("smmsheba"), simulator.key("smmsheba"))
    assert check.balance.amount == 1000
    with pytest.raises(UnsafeProviderURL):
        check_provider_url("file:///etc/passwd")


@pytest.mark.django_db
def test_the_add_form_puts_an_internal_address_on_the_url_field(production, manager_client):
    response = manager_client.post(
        "/providers/add/",
        {
            "name": "Metadata",
            "api_url": "http://169.254.169.254/latest/",
            "api_key": "k" * 32,
            "sync_interval_minutes": "360",
        },
    )

    assert response.status_code == 200
    errors = response.context["form"].errors["api_url"]
    assert "169.254.169.254 is a link-local address" in errors[0]
    assert not response.context["form"].connection_error  # no "save anyway" for this


@pytest.mark.django_db
def test_a_name_that_resolves_inside_is_refused_on_every_call(
    production, settings, simulator, make_provider, monkeypatch
):
    # Saved while the name looked public; now it answers with the metadata address.
    settings.PROVIDER_ALLOW_PRIVATE_HOSTS = True
    provider = make_provider("smmprovider")
    provider.api_url = "http://panel.test/smmprovider/api/v2"
    provider.save()
    settings.PROVIDER_ALLOW_PRIVATE_HOSTS = False

    def metadata(host, port, *args, **kwargs):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("100.100.100.200", port))]

    monkeypatch.setattr(socket, "getaddrinfo", metadata)

    with pytest.raises(services.ProviderProblem, match=r"100\.100\.100\.200, not a public address"):
        services.refresh_balance(provider)
    sync = services.sync_catalog(provider)
    assert sync.status == "failed" and "100.100.100.200" in sync.error
    assert simulator.requests() == []


@pytest.mark.django_db
def test_a_stored_provider_whose_url_became_unsafe_is_not_requested(
    production, settings, simulator, make_provider
):
    settings.PROVIDER_ALLOW_PRIVATE_HOSTS = True
    provider = make_provider()
    settings.PROVIDER_ALLOW_PRIVATE_HOSTS = False

    with pytest.raises(services.ProviderProblem, match="is a loopback address"):
        services.refresh_balance(provider)
    assert services.sync_catalog(provider).status == "failed"
    assert simulator.requests() == []
