from django.shortcuts import render

from dashboard.access import view_required


@view_required
def index(request):
    return render(request, "orders/index.html")
