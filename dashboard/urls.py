"""The home page, Background work and the search."""

from django.urls import path

from dashboard import views

app_name = "dashboard"
urlpatterns = [
    path("", views.home, name="home"),
    path("background/", views.background, name="background"),
    path("search/", views.search, name="search"),
]
