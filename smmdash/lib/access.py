"""Staff roles: which Django group grants which capability."""

from django.contrib.auth.decorators import permission_required
from django.contrib.auth.models import Group, Permission
from django.utils.translation import gettext, gettext_noop

VIEW = "dashboard.view_dashboard"
PLACE_ORDERS = "dashboard.place_orders"
MANAGE_PROVIDERS = "dashboard.manage_providers"

# Each role includes viewing, so one group is enough to make a working account. The group
# names stay English in the database; pages show them translated (see role_names).
ROLES = {
    gettext_noop("View only"): [VIEW],
    gettext_noop("Place orders"): [VIEW, PLACE_ORDERS],
    gettext_noop("Manage providers"): [VIEW, MANAGE_PROVIDERS],
}


def require(permission):
    """Decorate a view so that it answers 403 (not a login loop) without `permission`."""
    return permission_required(permission, raise_exception=True)


view_required = require(VIEW)


def ensure_roles(**kwargs):
    """Create the role groups and grant them their permissions.

    Only adds: permissions an administrator gave a group by hand are kept.
    """
    for name, perms in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        codenames = [perm.split(".", 1)[1] for perm in perms]
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="dashboard", codename__in=codenames)
        )


# Highest first: the top bar shows the first of a user's roles and lists them all on hover.
ROLE_RANK = ["Manage providers", "Place orders", "View only"]


def role_names(user):
    """The user's roles, highest first, in the page's language."""
    names = {group.name for group in user.groups.all()}
    return [gettext(name) for name in ROLE_RANK if name in names]
