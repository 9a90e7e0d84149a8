import pytest

from providers import services
from providers.models import Provider


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
