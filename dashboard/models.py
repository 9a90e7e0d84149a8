"""The staff roles' permissions, and the heartbeat that shows a worker is alive."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class StaffAccess(models.Model):
    """Holds the permissions that staff roles are made of; it has no table.

    They gate whole capabilities of the dashboard rather than one model's rows,
    so they live here instead of on Provider or Order.
    """

    class Meta:
        verbose_name_plural = _("staff access")
        managed = False
        default_permissions = ()
        permissions = [
            ("view_dashboard", "Can view the dashboard, providers, prices and orders"),
            ("place_orders", "Can place, cancel and refill orders"),
            ("manage_providers", "Can add providers and change their URL or API key"),
        ]

    def __str__(self):
        return "staff access"


class WorkerHeartbeat(models.Model):
    """The last time a Celery worker ran the beat-scheduled heartbeat task.

    A fresh row proves both halves of the background machinery are alive: beat
    sent the task and a worker ran it.
    """

    hostname = models.CharField(max_length=255, unique=True)
    last_seen = models.DateTimeField()

    class Meta:
        ordering = ["-last_seen"]

    def __str__(self):
        return self.hostname
