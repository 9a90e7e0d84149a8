"""Answering htmx: a page, or only the partial its request targets."""

from django.shortcuts import render
from django.utils.cache import patch_vary_headers


def render_page(request, template_name, context, *, partials=()):
    """Render a page, or only the partial an HTMX request targets.

    A page and its fragments are one template: each fragment is a
    `{% partialdef %}` named like the id of the element HTMX swaps, so a
    request whose HX-Target names one of `partials` gets just that partial.
    """
    target = request.htmx.target if request.htmx else None
    if target in partials:
        template_name = f"{template_name}#{target}"
    response = render(request, template_name, context)
    patch_vary_headers(response, ("HX-Request", "HX-Target"))
    return response
