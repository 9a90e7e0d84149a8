"""Two-factor sign-in: an authenticator app (TOTP) and one-time recovery codes, via django-otp.

A user's authenticator is a ``TOTPDevice``, unconfirmed until a first code proves the app
has the secret; the recovery codes are the tokens of one ``StaticDevice``, each used once.
Views and the middleware call these functions and nothing else.
"""

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from smmdash.lib.access import MANAGE_PROVIDERS

RECOVERY_CODES = 10
APP_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"
REQUIRED_FOR = ("none", "managers", "everyone")


# What a signed-in session still owes, decided once when it signs in (kept in the session, so
# pages cost no query to know it): nothing, a code, or setting two-factor up.
SESSION_KEY = "two_factor_step"
NONE, VERIFY, ENROL = "none", "verify", "enrol"


def second_step(request) -> str:
    """NONE, VERIFY or ENROL for this session; worked out at sign-in (see accounts.signals),
    or now for a session that began before that."""
    step = request.session.get(SESSION_KEY)
    if step is None:
        step = decide_second_step(request)
    return step


def decide_second_step(request, user=None) -> str:
    """Work out (again) what this session owes: after sign-in, and when what it was told to
    do no longer fits (the devices were removed, the role changed)."""
    user = user or request.user
    step = VERIFY if is_enrolled(user) else ENROL if is_required(user) else NONE
    request.session[SESSION_KEY] = step
    return step


def is_required(user) -> bool:
    """Whether `user` must have two-factor sign-in (TWO_FACTOR_REQUIRED)."""
    required = settings.TWO_FACTOR_REQUIRED
    if required == "everyone":
        return True
    return required == "managers" and user.has_perm(MANAGE_PROVIDERS)


def is_enrolled(user) -> bool:
    return user_has_device(user, confirmed=True)


def pending_app(user) -> TOTPDevice:
    """The authenticator being set up: the same secret on every reload until it is confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=APP_NAME, confirmed=False)


class WrongCode(Exception):
    """The code did not match; the message says what to do."""


def confirm_app(request, device: TOTPDevice, code: str) -> list[str]:
    """Confirm the authenticator with its first code and return fresh recovery codes, or raise
    WrongCode. The session counts as signed in with two factors from here on."""
    locked_for = _locked_seconds(device)
    if not device.verify_token(normalized(code)):
        raise WrongCode(_wrong(locked_for, "type the six digits the app shows now."))
    with transaction.atomic():
        TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = new_recovery_codes(device.user)
    otp_login(request, device)
    request.session[SESSION_KEY] = VERIFY  # from now on, a new sign-in asks for a code
    return codes


def new_recovery_codes(user) -> list[str]:
    """Replace the user's recovery codes with new ones (the old ones stop working)."""
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def verify(request, code: str) -> str | None:
    """Second step of signing in: a code from the app, or a recovery code (used up).

    Returns None when signed in, else what to tell the user. Each wrong code makes the app's
    codes wait longer before the next try (django-otp's throttling: 1 s, 2 s, 4 s...).
    """
    code = normalized(code)
    # Six digits are the app's; anything else is a recovery code. Asking only the device the
    # code is for keeps a recovery code from counting as a wrong app code.
    kind = TOTPDevice if code.isdigit() and len(code) == 6 else StaticDevice
    device = kind.objects.filter(user=request.user, confirmed=True).first()
    locked_for = _locked_seconds(device) if device else 0
    if device is not None and device.verify_token(code):
        otp_login(request, device)
        return None
    return _wrong(locked_for, "try the current one, or a recovery code.")


def _wrong(locked_for: int, advice: str) -> str:
    if locked_for:
        plural = "s" if locked_for != 1 else ""
        return f"Too many wrong codes: wait {locked_for} second{plural}, then try again."
    return f"That code is not right: {advice}"


def _locked_seconds(device) -> int:
    allowed, details = device.verify_is_allowed()
    if allowed or not details or not details.get("locked_until"):
        return 0
    return max(1, round((details["locked_until"] - timezone.now()).total_seconds()))


def normalized(code: str) -> str:
    """Codes as people type them: "123 456", "ABCD-EFGH" and "abcdefgh" are all fine."""
    return "".join(code.split()).replace("-", "").lower()


@transaction.atomic
def turn_off(request):
    TOTPDevice.objects.filter(user=request.user).delete()
    StaticDevice.objects.filter(user=request.user).delete()
    request.session[SESSION_KEY] = NONE
