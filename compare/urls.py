"""Compare, offers, curated groups and routing policies."""

from django.urls import path

from compare import policy_views, views

app_name = "compare"
urlpatterns = [
    path("", views.index, name="index"),
    path("offers/<int:pk>/", views.offer, name="offer"),
    path("offers/<int:pk>/labels/", views.offer_labels, name="offer_labels"),
    path("offers/<int:pk>/pin/", views.offer_pin, name="offer_pin"),
    path("groups/", views.groups, name="groups"),
    path("groups/<int:pk>/", views.group, name="group"),
    path("routing/", policy_views.index, name="policies"),
    path("routing/new/", policy_views.new, name="policy_new"),
    path("routing/<int:pk>/", policy_views.policy, name="policy"),
    path("routing/<int:pk>/providers/", policy_views.providers, name="policy_providers"),
    path("routing/<int:pk>/delete/", policy_views.delete, name="policy_delete"),
]
