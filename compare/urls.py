"""Compare, offers and curated groups."""

from django.urls import path

from compare import views

app_name = "compare"
urlpatterns = [
    path("", views.index, name="index"),
    path("offers/<int:pk>/", views.offer, name="offer"),
    path("offers/<int:pk>/labels/", views.offer_labels, name="offer_labels"),
    path("offers/<int:pk>/pin/", views.offer_pin, name="offer_pin"),
    path("groups/", views.groups, name="groups"),
    path("groups/<int:pk>/", views.group, name="group"),
]
