from dashboard.access import role_names


def staff(request):
    """The signed-in user's roles, for the top bar."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"user_roles": role_names(user)}
