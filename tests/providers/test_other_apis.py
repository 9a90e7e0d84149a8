"""URLs of other API families are refused on the provider form with words that say which family
it looks like and what to use instead, never as "unreachable" (research file, section 2.10)."""

import json

import pytest

from providers.models import Provider

pytestmark = [pytest.mark.django_db, pytest.mark.over_http_and_https]


def add(manager_client, simulator, url, key=None):
    return manager_client.post(
        "/providers/add/",
        {
            "name": "Someone's panel",
            "api_url": url,
            "api_key": key or simulator.key("smmprovider"),
            "sync_interval_minutes": "360",
        },
    )


def url_error(response):
    assert response.status_code == 200
    return " ".join(response.context["form"].errors.get("api_url", []))


def answer(simulator, body, *, code=200, content_type="application/json"):
    text = body if isinstance(body, str) else json.dumps(body)
    simulator.inject("smmprovider", "canned", body=text, code=code, content_type=content_type)


@pytest.mark.parametrize(
    ("body", "code", "family"),
    [
        ({"result": False, "message": "api_id is required"}, 200, "the api_id / api_key API"),
        ({"status": False, "message": "Sign is invalid"}, 200, "a signed API"),
        ({"message": "Unauthenticated."}, 401, "a REST API that takes its key as a Bearer token"),
        ("<html><head><title>Best SMM Panel</title></head></html>", 200, "a web page"),
    ],
)
def test_another_family_is_named_on_the_url_field(manager_client, simulator, body, code, family):
    content_type = "text/html" if isinstance(body, str) else "application/json"
    answer(simulator, body, code=code, content_type=content_type)

    error = url_error(add(manager_client, simulator, simulator.url("smmprovider")))

    assert f"This URL looks like {family}" in error and "which smmdash cannot use" in error
    assert not Provider.objects.exists()


def test_the_perfect_panel_admin_api_is_told_apart_by_its_path(manager_client, simulator):
    url = simulator.url("smmprovider").replace("/api/v2", "/adminapi/v2")

    error = url_error(add(manager_client, simulator, url))

    assert "looks like the Perfect Panel admin API" in error
    assert "your account's API key" in error


def test_a_key_action_panel_that_refuses_the_key_is_not_another_family(manager_client, simulator):
    response = add(manager_client, simulator, simulator.url("smmprovider"), key="wrong" * 8)

    assert url_error(response) == ""
    assert response.context["form"].connection_error == "Invalid API key"
