"""The Spend page, the orders behind its differences, and top-ups."""

from django.urls import path

from spend import views

app_name = "spend"
urlpatterns = [
    path("", views.index, name="index"),
    path("differences/", views.differences, name="differences"),
    path("top-ups/new/", views.top_up_new, name="top_up_new"),
    path("top-ups/<int:pk>/", views.top_up_edit, name="top_up_edit"),
    path("top-ups/<int:pk>/delete/", views.top_up_delete, name="top_up_delete"),
]
