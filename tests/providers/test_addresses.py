"""Which provider URLs the server may request (server-side request forgery)."""

import pytest

from providers import services
from providers.addresses import UnsafeProviderURL, check_provider_url


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
def test_internal_hosts_are_refused_in_production(production, url):
    with pytest.raises(UnsafeProviderURL, match="an internal address"):
        check_provider_url(url)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://panel.example/api", "must start with http:// or https://"),
        ("file:///etc/passwd", "must start with http:// or https://"),
        ("gopher://panel.example/", "must start with http:// or https://"),
        ("https://admin:secret@panel.example/api", "must not contain a user name or password"),
        ("https:///api/v2", "has no host name"),
        ("https://panel.invalid/api/v2", "could not be resolved"),
    ],
)
def test_other_unusable_urls_are_refused_with_a_reason(production, url, message):
    with pytest.raises(UnsafeProviderURL, match=message):
        check_provider_url(url)


def test_a_public_address_is_allowed(production):
    check_provider_url("https://93.184.216.34/api/v2")


def test_the_setting_allows_internal_hosts_but_never_other_schemes(settings):
    settings.PROVIDER_ALLOW_PRIVATE_HOSTS = True
    check_provider_url("http://127.0.0.1:8000/api/v2")
    with pytest.raises(UnsafeProviderURL):
        check_provider_url("file:///etc/passwd")


@pytest.mark.django_db
def test_a_stored_provider_whose_url_became_unsafe_is_not_requested(
    production, settings, simulator, make_provider
):
    settings.PROVIDER_ALLOW_PRIVATE_HOSTS = True
    provider = make_provider()
    settings.PROVIDER_ALLOW_PRIVATE_HOSTS = False

    with pytest.raises(services.ProviderProblem, match="internal address"):
        services.refresh_balance(provider)
    assert services.sync_catalog(provider).status == "failed"
    assert simulator.requests() == []
