"""The Shops pages (the API itself is /api/v2, in the URL root)."""

from django.urls import path

from shops import views

app_name = "shops"
urlpatterns = [
    path("", views.index, name="index"),
    path("api/", views.api_docs, name="api"),
    path("new/", views.new, name="new"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/calls/", views.calls, name="calls"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/delete/", views.delete, name="delete"),
    path("<int:pk>/key/", views.rotate_key, name="rotate_key"),
    path("<int:pk>/top-up/", views.top_up, name="top_up"),
]
