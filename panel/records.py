"""What the client hands back: plain, immutable records with Decimal money."""

from dataclasses import asdict, dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class Service:
    service_id: str
    name: str
    category: str
    type: str
    rate: Decimal  # per 1000, in the account's currency
    min: int
    max: int
    refill: bool | None  # None: the panel's catalog does not say
    cancel: bool | None
    dripfeed: bool


class Catalog(list):
    """A panel's catalog: its services (a list of ``Service``), and ``said``, the panel's
    own words about it where it gave some, e.g. why it is empty (``"Empty Data"``)."""

    def __init__(self, services=(), said: str | None = None):
        super().__init__(services)
        self.said = said


@dataclass(frozen=True)
class OrderStatus:
    status: str  # one of STATUSES
    raw_status: str  # the panel's own word, verbatim
    charge: Decimal | None
    start_count: int | None
    remains: int | None
    currency: str | None
    link: str | None = None  # the order's link, where the panel's status answer gives it


@dataclass(frozen=True)
class Call:
    """One request to the panel, for measuring it: which action, how long it took, and
    whether the panel answered (a refusal is an answer; a timeout or a broken connection is
    not)."""

    action: str
    at: float  # when it was sent, as time.time()
    milliseconds: int
    answered: bool
    failure: str = ""  # what went wrong when it did not answer
    # False when it failed before the request's first byte left: the name not found, the
    # connection refused, a connect timeout, a TLS handshake that failed. The panel could not
    # be reached at all, which is not the same as an answer lost on its way back.
    connected: bool = True


@dataclass(frozen=True)
class Balance:
    amount: Decimal
    currency: str | None


@dataclass
class Capabilities:
    """What this account's panel turned out to support and how it wants to be spoken to;
    ``None`` means not found out yet.

    Learned from answers as they come (an "Invalid action" to ``cancel`` means no cancel; "The
    api key field is required" means try another request form), never by sending a paid
    ``add`` twice. Store ``as_dict()`` and pass it back to the next client.
    """

    multi_status: bool | None = None
    refill: bool | None = None
    cancel: bool | None = None
    request_form: str | None = None  # a name from panel.request_forms.FORMS
    multi_status_batch: int | None = None  # ids per multi-status request, where under 100
    catalog_action: str | None = None  # "services", or "packages" where the panel says so
    field_names: dict = field(default_factory=dict)  # our field name: the panel's

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict | None) -> "Capabilities":
        data = data or {}
        known = {name: data[name] for name in cls.__dataclass_fields__ if name in data}
        known["field_names"] = dict(known.get("field_names") or {})
        return cls(**known)
