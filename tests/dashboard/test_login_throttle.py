"""Login throttling (django-axes): wrong passwords for one username from one address pause it."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def attempt(client, password, username="viewer"):
    return client.post("/login/", {"username": username, "password": password})


def test_five_wrong_passwords_pause_the_login_even_for_the_right_one(client, viewer, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = attempt(client, "wrong")
        assert response.status_code == 200
        assert "Please enter a correct username and password" in response.text

    locked = attempt(client, "wrong")
    assert locked.status_code == 429
    assert "Too many attempts" in locked.text
    assert "failed 5 times in a row, so it is paused for 15 minutes" in locked.text

    refused = attempt(client, "pw")
    assert refused.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_pause_is_per_address_so_a_stranger_cannot_lock_a_colleague_out(viewer, settings):
    stranger = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(stranger, "wrong")
    assert attempt(stranger, "pw").status_code == 429

    colleague = Client(REMOTE_ADDR="198.51.100.7")
    assert attempt(colleague, "pw").status_code == 302


def test_a_success_clears_the_count(client, viewer, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(client, "wrong")
    assert attempt(client, "pw").status_code == 302
    client.post("/logout/")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(client, "wrong")
    assert attempt(client, "pw").status_code == 302


def test_the_admin_login_is_throttled_too(client, staff_admin, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/admin/login/", {"username": "boss", "password": "wrong"})
    response = client.post("/admin/login/", {"username": "boss", "password": "pw"})
    assert response.status_code == 429


def test_behind_a_proxy_the_address_is_the_one_the_proxy_saw(viewer, settings):
    settings.BEHIND_PROXY = True
    # The client made up the first address; the proxy appended the real one.
    spoofing = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(spoofing, "wrong")
    another_lie = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="5.6.7.8, 203.0.113.9")
    assert attempt(another_lie, "pw").status_code == 429
    elsewhere = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert attempt(elsewhere, "pw").status_code == 302


def test_without_a_proxy_a_forwarded_header_is_ignored(viewer, settings):
    settings.BEHIND_PROXY = False
    for fake in ("1.1.1.1", "2.2.2.2", "3.3.3.3", "4.4.4.4", "5.5.5.5"):
        attempt(Client(REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR=fake), "wrong")
    assert attempt(Client(REMOTE_ADDR="203.0.113.9"), "pw").status_code == 429
