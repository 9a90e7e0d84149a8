from django.urls import path

from compare import rate_views, views

app_name = "compare"
urlpatterns = [
    path("", views.index, name="index"),
    path("offers/<int:pk>/", views.offer, name="offer"),
    path("offers/<int:pk>/labels/", views.offer_labels, name="offer_labels"),
    path("offers/<int:pk>/pin/", views.offer_pin, name="offer_pin"),
    path("groups/", views.groups, name="groups"),
    path("groups/<int:pk>/", views.group, name="group"),
    path("rates/", rate_views.index, name="rates"),
    path("rates/set/", rate_views.set_rate, name="set_rate"),
    path("rates/fetch/", rate_views.fetch, name="fetch_rates"),
]
