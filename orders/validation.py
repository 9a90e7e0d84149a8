"""Checks an order passes before anything is sent: shared by the order form and mass orders."""

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

_url = URLValidator(schemes=["http", "https"])


def clean_link(link: str) -> str:
    link = (link or "").strip()
    if not link:
        raise ValidationError("Enter the link to the post, profile or channel.")
    try:
        _url(link)
    except ValidationError:
        raise ValidationError(f"“{link[:100]}” is not a valid link (https://...).") from None
    return link


def check_service(service) -> None:
    if not service.active:
        raise ValidationError(
            f"Service {service.service_id} is no longer in {service.provider}'s catalog."
        )
    if not service.provider.enabled:
        raise ValidationError(f"{service.provider} is disabled.")


def check_quantity(service, quantity: int | None, *, what="Quantity") -> None:
    if quantity is None:
        return
    if quantity < service.min or quantity > service.max:
        raise ValidationError(
            f"{what} must be between {service.min:,} and {service.max:,} for this service "
            f"(got {quantity:,})."
        )
