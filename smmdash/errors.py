"""The product's own error pages, in the layout, whatever DEBUG says.

Django answers a 404 with its technical page while DEBUG is on, and a 500 with a bare template
that knows nothing of the request. Staff running the demo (DEBUG on) and production alike meet
smmdash's pages instead; a 500 is drawn in the layout when the layout can still be drawn (the
database it reads may be what failed) and on the plain page otherwise.
"""

import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter

from smmdash.logs import redact

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


# Field names whose values are credentials, wherever a request carries them: /api/v2 takes its
# `key` from a GET's query string too, which sensitive_post_parameters does not cover.
CREDENTIAL_FIELDS = frozenset({"key", "api_key", "apikey", "password", "token", "secret"})


class SecretsHiddenFilter(SafeExceptionReporterFilter):
    """Error reports (the 500 e-mail, the debug page) hide credential fields in the query
    string as well as in the form, whichever view was asked, and the query string and URL
    in the request's headers and description."""

    def _hidden(self, request, values):
        if not self.is_active(request) or not any(name in values for name in CREDENTIAL_FIELDS):
            return values
        return self._cleanse_multivaluedict(values, [*CREDENTIAL_FIELDS])

    def get_post_parameters(self, request):
        return self._hidden(request, super().get_post_parameters(request))

    def get_get_parameters(self, request):
        return self._hidden(request, request.GET) if request is not None else {}

    def get_cleansed_multivaluedict(self, request, multivaluedict):
        cleansed = super().get_cleansed_multivaluedict(request, multivaluedict)
        return self._hidden(request, cleansed)

    def get_safe_request_meta(self, request):
        meta = super().get_safe_request_meta(request)
        if not self.is_active(request):
            return meta
        return {
            name: redact(value) if isinstance(value, str) else value for name, value in meta.items()
        }

    def cleanse_special_types(self, request, value):
        if isinstance(value, HttpRequest) and self.is_active(request):
            return redact(repr(value))
        return super().cleanse_special_types(request, value)


class SecretsHiddenReporter(ExceptionReporter):
    """Django's reporter, reading the query string and the URL through the filter above."""

    def get_traceback_data(self):
        data = super().get_traceback_data()
        if self.request is not None and self.filter.is_active(self.request):
            data["request_GET_items"] = self.filter.get_get_parameters(self.request).items()
            data["request_insecure_uri"] = redact(data["request_insecure_uri"])
        return data
