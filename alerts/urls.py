"""Alerts (and the header's bell), and the Notifications page."""

from django.urls import path

from alerts import views

app_name = "alerts"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/rules/", views.rules, name="rules"),
    path("notifications/channels/new/", views.channel_new, name="channel_new"),
    path("notifications/channels/<int:pk>/", views.channel_edit, name="channel_edit"),
    path("notifications/channels/<int:pk>/test/", views.channel_test, name="channel_test"),
    path("notifications/channels/<int:pk>/delete/", views.channel_delete, name="channel_delete"),
]
