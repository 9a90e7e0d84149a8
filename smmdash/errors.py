"""The product's own error pages, in the layout, whatever DEBUG says.

Django answers a 404 with its technical page while DEBUG is on, and a 500 with a bare template
that knows nothing of the request. Staff running the demo (DEBUG on) and production alike meet
smmdash's pages instead; a 500 is drawn in the layout when the layout can still be drawn (the
database it reads may be what failed) and on the plain page otherwise.
"""

import logging

from django.conf import settings
from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader

log = logging.getLogger("smmdash")


def server_error(request):
    """handler500."""
    try:
        return render(request, "500.html", status=500)
    except Exception:  # whatever broke the page may break the layout too
        log.exception("The 500 page could not be drawn in the layout")
        return HttpResponseServerError(loader.get_template("500_plain.html").render())


class NotFoundPageMiddleware:
    """With DEBUG on, a page that is not found gets the product's 404 page, not Django's
    technical one (whose list of every URL pattern is no help to staff). HTMX fragments and
    answers that are not pages keep theirs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            settings.DEBUG
            and response.status_code == 404
            and response.get("Content-Type", "").startswith("text/html")
            and not request.headers.get("HX-Request")
        ):
            response = render(request, "404.html", status=404)
        return response
