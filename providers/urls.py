"""Providers: list, detail, forms, balance, sync and catalog."""

from django.urls import path

from providers import views

app_name = "providers"
urlpatterns = [
    path("", views.index, name="index"),
    path("add/", views.add, name="add"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/delete/", views.delete, name="delete"),
    path("<int:pk>/toggle/", views.toggle, name="toggle"),
    path("<int:pk>/balance/", views.refresh_balance, name="refresh_balance"),
    path("<int:pk>/sync/", views.sync, name="sync"),
    path("<int:pk>/services/", views.catalog, name="catalog"),
]
