"""Checks an order passes before anything is sent: shared by the order form and mass orders."""

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _

from smmdash.lib.numbers import count_text

_url = URLValidator(schemes=["http", "https"])


def clean_link(link: str) -> str:
    link = (link or "").strip()
    if not link:
        raise ValidationError(_("Enter the link to the post, profile or channel."))
    try:
        _url(link)
    except ValidationError:
        raise ValidationError(
            _("“{link}” is not a valid link (https://...).").format(link=link[:100])
        ) from None
    return link


def check_service(service) -> None:
    if not service.active:
        raise ValidationError(
            _("Service {service_service_id} is no longer in {service_provider}'s catalog.").format(
                service_service_id=service.service_id, service_provider=service.provider
            )
        )
    if not service.provider.enabled:
        raise ValidationError(
            _("{service_provider} is disabled.").format(service_provider=service.provider)
        )


def check_quantity(service, quantity: int | None, *, what=None) -> None:
    if quantity is None:
        return
    if quantity < service.min or quantity > service.max:
        raise ValidationError(
            _(
                "{what} must be between {service_min} and {service_max} "
                "for this service (got {quantity})."
            ).format(
                what=what or _("Quantity"),
                service_min=count_text(service.min),
                service_max=count_text(service.max),
                quantity=count_text(quantity),
            )
        )
