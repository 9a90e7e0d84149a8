"""Asking for a fragment as htmx does, and checking that only the fragment came back."""

import re


def htmx_headers(target=None):
    headers = {"HTTP_HX_REQUEST": "true"}
    if target:
        headers["HTTP_HX_TARGET"] = target
    return headers


def fragment_body(response, element_id):
    """The body of `response`, asserted to be the element `element_id` alone (no page)."""
    assert response.status_code == 200, response.status_code
    body = response.content.decode()
    assert "<html" not in body and "<nav" not in body[:200]
    first_tag = re.match(r"\s*<(\w+)[^>]*\bid=\"([^\"]+)\"", body)
    assert first_tag and first_tag.group(2) == element_id, body[:200]
    return body
