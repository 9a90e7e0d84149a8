"""What every page's template knows: the user's roles and the base currency."""

from django.conf import settings

from smmdash.lib.access import role_names


def staff(request):
    """The signed-in user's roles, for the top bar, and the currency amounts are compared in."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"user_roles": role_names(user), "base_currency": settings.BASE_CURRENCY}
