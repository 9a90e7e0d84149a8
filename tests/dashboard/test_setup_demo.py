import re
from io import StringIO

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.test import RequestFactory

from smmdash.lib.access import ROLES

pytestmark = pytest.mark.django_db


def setup_demo(*args):
    out = StringIO()
    call_command("setup_demo", *(args or ["--no-providers"]), stdout=out, stderr=StringIO())
    match = re.search(r"as  (\S+)  /  (\S+)", out.getvalue())
    assert match, out.getvalue()
    return match.groups()


def log_in(username, password):
    # Through the login throttle, which counts attempts per address: it needs the request.
    return authenticate(RequestFactory().post("/login/"), username=username, password=password)


def test_setup_demo_creates_a_staff_account_with_every_role_and_prints_its_login():
    username, password = setup_demo()
    assert username == "demo"
    assert len(password) >= 20
    user = log_in(username, password)
    assert user is not None
    assert user.is_staff and user.is_superuser
    assert sorted(user.groups.values_list("name", flat=True)) == sorted(ROLES)


def test_running_it_again_gives_a_new_password_and_keeps_one_account(client):
    _, first = setup_demo()
    _, second = setup_demo()
    assert first != second
    assert get_user_model().objects.filter(username="demo").count() == 1
    assert log_in("demo", first) is None
    response = client.post("/login/", {"username": "demo", "password": second})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
