"""Two-factor sign-in in Chromium: a manager made to enrol at first sign-in, scanning nothing
but typing the key into an "app" (django-otp's own TOTP), then signing in again with a code."""

import re
import time
from base64 import b32decode

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.accounts.codes import next_code

pytestmark = pytest.mark.django_db(transaction=True)


def app_code(secret: str) -> str:
    """What an authenticator app given `secret` shows now."""
    return f"{TOTP(b32decode(secret.replace(' ', ''))).token():06d}"


def sign_in(page, username):
    page.goto("/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("pw")
    page.get_by_role("button", name="Log in").click()


def test_a_manager_enrols_at_first_sign_in_then_signs_in_with_a_code(page, manager, settings, snap):
    settings.TWO_FACTOR_REQUIRED = "managers"
    sign_in(page, "manager")

    expect(page).to_have_url(re.compile(r"/account/two-factor/\?next=%2F$"))
    expect(page.get_by_text("Your role can change where money goes")).to_be_visible()
    expect(page.locator(".qr-code svg")).to_be_visible()
    snap("enrol")
    secret = page.locator("#totp-secret").inner_text()
    page.get_by_label("Code").fill("123000")
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    expect(page.locator(".field-error")).to_contain_text("That code is not right")
    page.get_by_label("Code").fill(app_code(secret))
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    expect(page.locator(".field-error")).to_contain_text("Too many wrong codes: wait 1 second")
    time.sleep(1.1)  # django-otp's throttle after a wrong code
    page.get_by_role("button", name="Turn on two-factor sign-in").click()

    expect(page.get_by_role("heading", name="Keep these recovery codes")).to_be_visible()
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    page.get_by_role("button", name="I have kept them: continue").click()
    expect(page.get_by_role("heading", name="Welcome, manager")).to_be_visible()

    page.get_by_role("button", name="Log out").click()
    sign_in(page, "manager")
    expect(page.get_by_role("heading", name="One more step")).to_be_visible()
    page.get_by_label("Code").fill(next_code(TOTPDevice.objects.get(user=manager)))
    page.get_by_label("Code").press("Enter")
    expect(page.get_by_role("heading", name="Welcome, manager")).to_be_visible()
    page.get_by_role("link", name="manager").click()
    expect(page.locator("#two-factor")).to_contain_text("On")
    expect(page.locator("#two-factor")).to_contain_text("10 recovery codes left")
