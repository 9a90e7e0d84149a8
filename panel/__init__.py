"""A client for SMM panels: every dialect of the one key/action API, with nothing to configure
but URL and key.

    client = PanelClient("https://panel.example/api/v2", key)
    client.balance()                    # Balance(amount=Decimal('100.84292'), currency='USD')
    order_id = client.add_order("1", "https://instagram.com/p/x", 1000)
    client.statuses([order_id, ...])    # {"23501": OrderStatus(...), "10": ProviderError(...)}

Plain Python on purpose: nothing in this package imports Django or any part of smmdash, so the
client runs and is tested on its own. ``providers.services.accounts`` wraps it for the rest of
smmdash. Import from here, not from the modules inside.

The address guard under the client is for every request smmdash makes to an address staff
typed: ``guarded_session`` for its own requests, ``guarded_requests`` around a library that makes
its own (apprise).
"""

from panel.client import DEFAULT_TIMEOUTS, MULTI_STATUS_BATCH, ORDER_EXTRAS, PanelClient
from panel.connections import AddressRefused, WireState, checked_addresses, guarded_session
from panel.errors import (
    ActionNotSupported,
    Blocked,
    BrowserCheck,
    OrderOutcomeUnknown,
    PanelClientError,
    ProviderError,
    ProviderUnreachable,
    RateLimited,
)
from panel.outbound import Guard, OutboundRefused, guarded_requests
from panel.records import Balance, Call, Capabilities, Catalog, OrderStatus, Service
from panel.request_forms import BY_NAME as REQUEST_FORMS
from panel.statuses import OPEN_STATUSES, STATUSES, UNKNOWN_STATUS_DEFAULT
from panel.transport import Timeouts, mask_key

__all__ = [
    "DEFAULT_TIMEOUTS",
    "MULTI_STATUS_BATCH",
    "OPEN_STATUSES",
    "ORDER_EXTRAS",
    "REQUEST_FORMS",
    "STATUSES",
    "UNKNOWN_STATUS_DEFAULT",
    "ActionNotSupported",
    "AddressRefused",
    "Balance",
    "Blocked",
    "BrowserCheck",
    "Call",
    "Capabilities",
    "Catalog",
    "Guard",
    "OrderOutcomeUnknown",
    "OrderStatus",
    "OutboundRefused",
    "PanelClient",
    "PanelClientError",
    "ProviderError",
    "ProviderUnreachable",
    "RateLimited",
    "Service",
    "Timeouts",
    "WireState",
    "checked_addresses",
    "guarded_requests",
    "guarded_session",
    "mask_key",
]
