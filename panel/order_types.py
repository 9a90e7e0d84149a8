"""What an order needs besides service and link, by the panel's service type.

The common API's types, as the panels document them: most take a quantity; some take a list
(one comment or username per line) whose length is the quantity; a package is one unit;
subscriptions order up to `max` per new post.
"""

from dataclasses import dataclass

# How the API writes a date (a subscription's expiry): day/month/year.
API_DATE_FORMAT = "%d/%m/%Y"
# Delays a subscription may wait before each post, in minutes, as the API documents them.
SUBSCRIPTION_DELAYS = (0, 5, 10, 15, 30, 60, 90, 120, 150, 180, 210, 240, 270, 300, 360, 420)
SUBSCRIPTION_DELAYS += (480, 540, 600)


@dataclass(frozen=True)
class ServiceType:
    fields: tuple[str, ...] = ()  # extra fields the order form asks for
    optional: tuple[str, ...] = ()  # of those, the ones that may be left empty
    # Where the quantity comes from: "quantity" (typed), "lines:<field>" (one per line), "max"
    # (a subscription's max per post) or "one" (a package).
    quantity_from: str = "quantity"

    @property
    def sends_quantity(self) -> bool:
        return self.quantity_from == "quantity"

    def quantity(self, values: dict) -> int | None:
        """The order's quantity from the cleaned form values (None when not worked out)."""
        source = self.quantity_from
        if source == "one":
            return 1
        if source == "max":
            return values.get("max")
        if source.startswith("lines:"):
            return len(lines(values.get(source.removeprefix("lines:")) or ""))
        return values.get("quantity")


DEFAULT = ServiceType()
TYPES = {
    "default": DEFAULT,
    "package": ServiceType(quantity_from="one"),
    "custom comments": ServiceType(fields=("comments",), quantity_from="lines:comments"),
    "custom comments package": ServiceType(fields=("comments",), quantity_from="one"),
    "mentions": ServiceType(fields=("usernames",)),
    "mentions with hashtags": ServiceType(fields=("usernames", "hashtags")),
    "mentions custom list": ServiceType(fields=("usernames",), quantity_from="lines:usernames"),
    "mentions user followers": ServiceType(fields=("username",)),
    "poll": ServiceType(fields=("answer_number",)),
    "subscriptions": ServiceType(
        fields=("username", "min", "max", "posts", "delay", "expiry"),
        optional=("posts", "expiry"),
        quantity_from="max",
    ),
}


def service_type(name: str) -> ServiceType:
    """The type's needs; a type smmdash does not know is ordered like a default service."""
    return TYPES.get(" ".join((name or "default").lower().split()), DEFAULT)


def lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]
