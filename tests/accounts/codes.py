"""One-time codes as an authenticator app makes them, for the two-factor tests."""

from django_otp.oath import TOTP


def code_now(device) -> str:
    """What the app shows now: the code to enrol with."""
    device.refresh_from_db()
    return (
        f"{TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token():06d}"
    )


def next_code(device) -> str:
    """A code the server takes now: each step's code is accepted once, so past the step it last
    took, and within its window as shifted by the drift it saw (django-otp's OTP_TOTP_SYNC)."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    now = totp.t()
    totp.drift += max(now, device.last_t + 1) - now
    return f"{totp.token():06d}"
