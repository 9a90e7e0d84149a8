from django.conf import settings
from django.shortcuts import render

from dashboard.access import view_required
from dashboard.health import worker_status
from dashboard.htmx import render_page


@view_required
def home(request):
    context = {"worker": worker_status()}
    return render_page(request, "dashboard/home.html", context, partials={"worker-status"})


@view_required
def compare(request):
    return render(request, "dashboard/compare.html", {"base_currency": settings.BASE_CURRENCY})
