import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client

from smmdash.lib.access import MANAGE_PROVIDERS, PLACE_ORDERS, ROLES, VIEW, ensure_roles

pytestmark = pytest.mark.django_db

SECTIONS = {
    "/": "Welcome",
    "/providers/": "No provider accounts yet",
    "/compare/": "Nothing to compare yet",
    "/orders/": "No orders yet",
}


@pytest.mark.parametrize("url", SECTIONS)
def test_every_section_needs_a_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={url}"


@pytest.mark.parametrize("url", SECTIONS)
def test_a_user_without_a_role_gets_the_friendly_403(client, nobody, url):
    client.force_login(nobody)
    response = client.get(url)
    assert response.status_code == 403
    body = response.content.decode()
    assert "You don't have access to this" in body
    assert "Ask an administrator" in body


@pytest.mark.parametrize(("url", "empty_state"), SECTIONS.items())
def test_each_section_renders_in_the_shell_with_its_empty_state(viewer_client, url, empty_state):
    response = viewer_client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert empty_state in body
    for item in ("Dashboard", "Providers", "Compare", "Orders"):
        assert f"</svg> {item}</a>" in body
    # Exactly one navigation item is marked as the current page.
    assert body.count('aria-current="page"') == 1
    assert "Log out" in body


def test_the_roles_grant_exactly_their_permissions():
    for name, perms in ROLES.items():
        group = Group.objects.get(name=name)
        granted = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
        assert granted == set(perms)


def test_role_permissions_per_user(viewer, buyer, manager):
    assert viewer.has_perm(VIEW)
    assert not viewer.has_perm(PLACE_ORDERS)
    assert not viewer.has_perm(MANAGE_PROVIDERS)
    assert buyer.has_perm(VIEW) and buyer.has_perm(PLACE_ORDERS)
    assert not buyer.has_perm(MANAGE_PROVIDERS)
    assert manager.has_perm(VIEW) and manager.has_perm(MANAGE_PROVIDERS)
    assert not manager.has_perm(PLACE_ORDERS)


def test_ensure_roles_keeps_what_an_administrator_added():
    group = Group.objects.get(name="View only")
    extra = Permission.objects.get(codename="view_group")
    group.permissions.add(extra)
    ensure_roles()
    assert group.permissions.filter(pk=extra.pk).exists()


def test_pages_tell_users_which_role_they_lack(client, viewer, buyer, manager):
    client.force_login(viewer)
    assert "needs the <em>Manage providers</em> role" in client.get("/providers/").text
    assert "needs the <em>Place orders</em> role" in client.get("/orders/").text

    client.force_login(manager)
    assert "needs the <em>Manage providers</em> role" not in client.get("/providers/").text

    client.force_login(buyer)
    assert "needs the <em>Place orders</em> role" not in client.get("/orders/").text


def test_the_top_bar_shows_who_is_logged_in_and_their_highest_role(client, buyer, manager, viewer):
    client.force_login(buyer)
    body = client.get("/").text
    assert 'class="user-name" href="/account/"' in body and ">buyer</a>" in body
    assert 'title="Roles: Place orders">Place orders</span>' in body

    # One badge, not three side by side: the highest role, the others on hover.
    manager.groups.add(*buyer.groups.all())
    client.force_login(manager)
    body = client.get("/").text
    assert 'title="Roles: Manage providers, Place orders">Manage providers +1 role</span>' in body
    manager.groups.add(*viewer.groups.all())
    body = client.get("/").text
    assert ">Manage providers +2 roles</span>" in body  # not a bare "+2"
    assert body.count('class="badge badge-muted"') == 1


def test_only_staff_see_and_reach_the_admin(client, viewer, staff_admin):
    client.force_login(viewer)
    assert 'href="/admin/"' not in client.get("/").text
    assert client.get("/admin/").status_code == 302

    client.force_login(staff_admin)
    assert 'href="/admin/"' in client.get("/").text
    assert client.get("/admin/").status_code == 200


def test_login_and_logout(client, viewer):
    page = client.get("/login/?next=/orders/")
    assert page.status_code == 200
    assert 'name="next" value="/orders/"' in page.text

    wrong = client.post("/login/", {"username": "viewer", "password": "nope"})
    assert wrong.status_code == 200
    assert "Please enter a correct username and password" in wrong.text

    response = client.post("/login/", {"username": "viewer", "password": "pw", "next": "/orders/"})
    assert response.status_code == 302
    assert response["Location"] == "/orders/"
    assert client.get("/orders/").status_code == 200

    logged_out = client.post("/logout/", follow=True)
    assert logged_out.redirect_chain == [("/login/", 302)]
    assert "You have been logged out." in logged_out.text
    assert client.get("/orders/").status_code == 302


@pytest.mark.parametrize("debug", [False, True])
def test_unknown_pages_get_the_products_404_in_the_layout_whatever_debug_says(
    viewer_client, settings, debug
):
    settings.DEBUG = debug
    for address in ("/no/such/page/", "/providers/999999/"):
        response = viewer_client.get(address)
        assert response.status_code == 404
        assert "Page not found" in response.text and "Back to the dashboard" in response.text
        assert 'aria-label="Main"' in response.text  # the layout, with its navigation
        assert "Using the URLconf" not in response.text  # not Django's technical page


def test_a_server_error_gets_the_products_page_in_the_layout(viewer, rf, monkeypatch):
    from smmdash.errors import server_error

    request = rf.get("/")
    request.user = viewer
    response = server_error(request)
    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong on our side" in page and 'aria-label="Main"' in page

    # When the layout itself cannot be drawn (its database is what failed), the plain page.
    def broken(*args, **kwargs):
        raise RuntimeError("the database is gone")

    monkeypatch.setattr("smmdash.errors.render", broken)
    response = server_error(request)
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()


def test_a_stale_form_gets_the_friendly_csrf_page(viewer):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/login/", {"username": "viewer", "password": "pw"})
    assert response.status_code == 403
    assert "This form expired" in response.content.decode()
    assert "Nothing was saved" in response.content.decode()


@pytest.mark.parametrize("url", SECTIONS)
def test_pages_carry_a_strict_csp_and_no_inline_code(viewer_client, url):
    response = viewer_client.get(url)
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "style-src 'self'" in csp
    assert "unsafe-inline" not in csp
    body = response.text
    assert not re.search(r"<script(?![^>]*\bsrc=)", body), "inline <script> found"
    assert not re.search(r"<style\b", body), "inline <style> found"
    assert not re.search(r"\sstyle=", body), "style attribute found"
    assert not re.search(r"\son[a-z]+=", body), "inline event handler found"


def test_htmx_sends_the_csrf_token_from_body(viewer_client):
    body = viewer_client.get("/").text
    assert re.search(r'<body hx-headers=\'\{"X-CSRFToken": "[A-Za-z0-9]+"\}\'>', body)
    assert "/static/vendor/htmx-2.0.11.min.js" in body


@pytest.mark.parametrize("url", ["/", "/login/"])
def test_scripts_and_styles_are_served_from_this_site(client, viewer, url):
    """No CDN: staff may run smmdash on an intranet."""
    if url == "/":
        client.force_login(viewer)
    body = client.get(url).text
    assets = re.findall(r'<(?:script|link)\b[^>]*\b(?:src|href)="([^"]+)"', body)
    assert len(assets) >= 3
    assert all(asset.startswith("/static/") for asset in assets), assets
