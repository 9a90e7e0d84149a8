"""The account page, setting up two-factor sign-in, and the second step of signing in."""

from base64 import b32encode

import segno
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from accounts import services
from accounts.forms import CodeForm
from smmdash.lib import params
from smmdash.lib.access import role_names


@login_required
def account(request):
    user = request.user
    context = {
        "roles": role_names(user),
        "enrolled": services.is_enrolled(user),
        "required": services.is_required(user),
        "codes_left": services.recovery_codes_left(user),
    }
    return render(request, "accounts/account.html", context)


@login_required
@sensitive_post_parameters("old_password", "new_password1", "new_password2")
def password(request):
    """Django's password change, in the product's layout; the session stays signed in (with
    its second factor) and the others of this user are signed out."""
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        update_session_auth_hash(request, form.save())
        messages.success(request, _("Your password is changed."))
        return redirect("accounts:account")
    return render(request, "accounts/password.html", {"form": form})


@login_required
@sensitive_post_parameters("code")
def two_factor(request):
    """Set up an authenticator app: scan the code (or type the secret), confirm with a code."""
    user = request.user
    if services.second_step(request) == services.ENROL and not services.is_required(user):
        services.decide_second_step(request)  # the role that required it is gone
    if services.is_enrolled(user) and user.is_verified():
        return redirect("accounts:account")
    if services.is_enrolled(user):
        return redirect("accounts:verify")
    device = services.pending_app(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.confirm_app(request, device, form.cleaned_data["code"])
        except services.WrongCode as wrong:
            form.add_error("code", str(wrong))
        else:
            context = {"codes": codes, "next": params.next_url(request, "dashboard:home")}
            return render(request, "accounts/recovery_codes.html", context)
    context = {
        "form": form,
        "qr_svg": segno.make(device.config_url, error="m").svg_inline(scale=5, border=2),
        "secret": _grouped(device.bin_key),
        "required": services.is_required(user),
        "next": params.next_url(request, ""),
    }
    return render(request, "accounts/two_factor.html", context)


@login_required
@sensitive_post_parameters("code")
def verify(request):
    """The second step of signing in, for a user who has an authenticator."""
    if request.user.is_verified() or not services.is_enrolled(request.user):
        services.decide_second_step(request)  # nothing to verify (any more)
        return redirect(params.next_url(request, "dashboard:home"))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        problem = services.verify(request, form.cleaned_data["code"])
        if problem is None:
            return redirect(params.next_url(request, "dashboard:home"))
        form.add_error("code", problem)
    return render(
        request, "accounts/verify.html", {"form": form, "next": params.next_url(request, "")}
    )


@login_required
@require_POST
def recovery_codes(request):
    if not (services.is_enrolled(request.user) and request.user.is_verified()):
        return redirect("accounts:account")
    codes = services.new_recovery_codes(request.user)
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": "/account/"})


@login_required
@require_POST
@sensitive_post_parameters("code")
def turn_off(request):
    if services.is_required(request.user):
        messages.error(
            request, _("Your role requires two-factor sign-in: it cannot be turned off.")
        )
    elif problem := services.verify(request, request.POST.get("code", "")):
        messages.error(
            request, _("{problem} Two-factor sign-in is still on.").format(problem=problem)
        )
    else:
        services.turn_off(request)
        messages.success(request, _("Two-factor sign-in is off."))
    return redirect("accounts:account")


def _grouped(secret: bytes) -> str:
    """The secret as people type it into an app: base32, in groups of four."""
    text = b32encode(secret).decode().rstrip("=")
    return " ".join(text[start : start + 4] for start in range(0, len(text), 4))
