import pytest

from panel import PanelClient


@pytest.fixture
def connect(simulator):
    """A PanelClient for one simulated panel, with quick timeouts and no retry pauses."""
    clients = []

    def connect(panel, key=None, **options):
        options = {
            "timeout": (1, 2),
            "retries": 0,
            "backoff": 0,
            "allow_private_hosts": True,
            "ca_bundle": simulator.ca_file,
        } | options
        client = PanelClient(simulator.url(panel), key or simulator.key(panel), **options)
        clients.append(client)
        return client

    yield connect
    for client in clients:
        client.close()
