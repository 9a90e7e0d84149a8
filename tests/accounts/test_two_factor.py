"""Two-factor sign-in: enrolling with an authenticator app, the second step of signing in,
recovery codes, and the roles that must have it (TWO_FACTOR_REQUIRED)."""

import re
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import services
from tests.accounts.codes import code_now, next_code

pytestmark = pytest.mark.django_db


def log_in(client, username):
    return client.post("/login/", {"username": username, "password": "pw"})


def enrol(client):
    """Set up the app from the enrolment page, as a user does; returns the recovery codes."""
    page = client.get("/account/two-factor/").content.decode()
    assert "<svg" in page  # the QR code
    secret = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', page).group(1)
    device = TOTPDevice.objects.get(confirmed=False)
    assert secret.replace(" ", "") in device.config_url
    done = client.post("/account/two-factor/", {"code": code_now(device)})
    assert done.status_code == 200
    return re.findall(r"<li><code>([a-z0-9]+)</code></li>", done.content.decode())


def test_a_viewer_enrols_from_the_account_page_and_then_signs_in_with_a_code(
    client, viewer, settings
):
    settings.TWO_FACTOR_REQUIRED = "managers"
    log_in(client, "viewer")
    assert client.get("/").status_code == 200  # a viewer is not required to
    assert "Set up two-factor sign-in" in client.get("/account/").content.decode()

    codes = enrol(client)

    assert len(codes) == 10
    assert "On" in client.get("/account/").content.decode()
    client.post("/logout/")
    response = log_in(client, "viewer")
    assert response.status_code == 302
    gated = client.get("/orders/")
    assert gated.status_code == 302 and gated["Location"].startswith("/login/verify/?next=")
    device = TOTPDevice.objects.get(user=viewer)
    wrong = client.post(gated["Location"], {"code": "000000"})
    assert "That code is not right" in wrong.content.decode()
    code = next_code(device)
    too_soon = client.post(gated["Location"], {"code": code})
    assert "Too many wrong codes: wait 1 second" in too_soon.content.decode()
    time.sleep(1.1)  # django-otp's throttle after one wrong code
    right = client.post(gated["Location"], {"code": code})
    assert right.status_code == 302 and right["Location"] == "/orders/"
    assert client.get("/orders/").status_code == 200


def test_a_recovery_code_signs_in_once(client, viewer):
    log_in(client, "viewer")
    codes = enrol(client)
    client.post("/logout/")

    for attempt in range(2):
        client.post("/logout/")
        log_in(client, "viewer")
        response = client.post("/login/verify/", {"code": codes[0].upper()})
        if attempt == 0:
            assert response.status_code == 302
        else:
            assert "That code is not right" in response.content.decode()
    assert services.recovery_codes_left(viewer) == 9


def test_a_manager_must_enrol_before_anything_else(client, manager, settings):
    settings.TWO_FACTOR_REQUIRED = "managers"
    log_in(client, "manager")

    page = client.get("/providers/")
    assert page.status_code == 302 and page["Location"].startswith("/account/two-factor/")
    htmx = client.get("/orders/live/?ids=1", HTTP_HX_REQUEST="true")
    assert htmx.status_code == 204 and htmx["HX-Redirect"].startswith("/account/two-factor/")
    enrol(client)
    assert client.get("/providers/").status_code == 200
    refused = client.post("/account/two-factor-off/", {"code": "123456"}, follow=True)
    assert "it cannot be turned off" in refused.content.decode()


def test_nobody_must_enrol_in_the_demo(client, manager, settings):
    settings.TWO_FACTOR_REQUIRED = "none"
    log_in(client, "manager")
    assert client.get("/providers/").status_code == 200


def test_the_admin_asks_for_the_code_too(client, staff_admin):
    log_in(client, "boss")
    enrol(client)
    client.post("/logout/")
    client.post("/admin/login/", {"username": "boss", "password": "pw"})

    response = client.get("/admin/")

    assert response.status_code == 302 and response["Location"].startswith("/login/verify/")


def test_turning_it_off_needs_a_code(client, viewer):
    log_in(client, "viewer")
    enrol(client)
    device = TOTPDevice.objects.get(user=viewer)

    client.post("/account/two-factor-off/", {"code": "000000"})
    assert services.is_enrolled(viewer)
    time.sleep(1.1)  # django-otp's throttle after one wrong code
    client.post("/account/two-factor-off/", {"code": next_code(device)})
    assert not services.is_enrolled(viewer)


def test_new_recovery_codes_replace_the_old_ones(client, viewer):
    log_in(client, "viewer")
    old = enrol(client)

    page = client.post("/account/recovery-codes/").content.decode()

    new = re.findall(r"<li><code>([a-z0-9]+)</code></li>", page)
    assert len(new) == 10 and not set(new) & set(old)
    assert services.recovery_codes_left(viewer) == 10


def test_a_session_knows_its_second_step_without_asking_the_database(client, viewer):
    log_in(client, "viewer")
    client.get("/")  # the first page after signing in

    with CaptureQueriesContext(connection) as queries:
        client.get("/")

    assert [query for query in queries if "otp_" in query["sql"]] == []
    assert client.session[services.SESSION_KEY] == services.NONE


def test_devices_removed_by_an_administrator_do_not_lock_the_user_out(client, viewer):
    log_in(client, "viewer")
    enrol(client)
    client.post("/logout/")
    log_in(client, "viewer")
    assert client.get("/orders/")["Location"].startswith("/login/verify/")

    TOTPDevice.objects.all().delete()  # the administrator's help after a lost phone
    StaticDevice.objects.all().delete()

    assert client.get("/login/verify/?next=/orders/")["Location"] == "/orders/"
    assert client.get("/orders/").status_code == 200


def test_setting_it_up_can_be_left_unless_the_role_requires_it(client, viewer, manager, settings):
    settings.TWO_FACTOR_REQUIRED = "managers"
    log_in(client, "viewer")
    account = client.get("/account/").text
    assert 'href="/account/two-factor/?next=/account/"' in account
    page = client.get("/account/two-factor/?next=/account/").text
    assert re.search(r'<a href="/account/">Not now: go back</a>', page)
    assert re.search(r'<a href="/">Not now: go back</a>', client.get("/account/two-factor/").text)

    client.post("/logout/")
    log_in(client, "manager")
    required = client.get("/account/two-factor/?next=/providers/").text
    assert "Not now" not in required
    assert "Your role can change where money goes" in required
    assert "the dashboard stays closed to this account" in required


def test_the_password_is_changed_from_the_account_page(client, viewer):
    log_in(client, "viewer")
    assert 'href="/account/password/"' in client.get("/account/").text
    page = client.get("/account/password/").text
    assert 'class="side-nav"' in page  # the product's layout, not the admin's
    wrong = client.post(
        "/account/password/",
        {"old_password": "nope", "new_password1": "a-Long-new-pw-41", "new_password2": "x"},
    )
    assert wrong.status_code == 200 and "field-error" in wrong.text
    done = client.post(
        "/account/password/",
        {
            "old_password": "pw",
            "new_password1": "a-Long-new-pw-41",
            "new_password2": "a-Long-new-pw-41",
        },
        follow=True,
    )
    assert done.redirect_chain[-1][0] == "/account/"
    assert "Your password is changed." in done.text
    assert client.get("/").status_code == 200  # still signed in
    viewer.refresh_from_db()
    assert viewer.check_password("a-Long-new-pw-41")
