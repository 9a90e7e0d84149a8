"""The exchange-rates page and its actions."""

from django.urls import path

from rates import views

app_name = "rates"
urlpatterns = [
    path("", views.index, name="index"),
    path("set/", views.set_rate, name="set"),
    path("fetch/", views.fetch, name="fetch"),
]
