"""Signed in means both factors, for whoever has two-factor sign-in or must have it."""

from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from accounts import services

# Where a half-signed-in user may still go: the second step, setting it up, leaving.
OPEN_PATHS = ("/login/", "/logout/", "/account/two-factor/", "/static/", "/health/", "/favicon")


class TwoFactorMiddleware:
    """After the password, a user with an authenticator is sent to enter a code, and a user
    whose role requires one (TWO_FACTOR_REQUIRED) is sent to set it up, before anything else.
    Runs after django-otp's OTPMiddleware, which tells whether the session is verified."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if not user.is_authenticated or user.is_verified() or request.path.startswith(OPEN_PATHS):
            return self.get_response(request)
        step = services.second_step(request)
        if step == services.VERIFY:
            return self._send(request, "accounts:verify")
        if step == services.ENROL:
            return self._send(request, "accounts:two_factor")
        return self.get_response(request)

    @staticmethod
    def _send(request, view_name):
        url = f"{reverse(view_name)}?{urlencode({'next': request.get_full_path()})}"
        if request.headers.get("HX-Request"):
            return HttpResponse(status=204, headers={"HX-Redirect": url})  # a full page load
        return redirect(url)
