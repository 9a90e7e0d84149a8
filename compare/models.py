"""Curated groups: services staff pinned as the same product across panels."""

from django.conf import settings
from django.db import models

from providers.models import Service


class ServiceGroup(models.Model):
    """Services staff pinned as the same product across panels.

    A curated group wins over automatic matching: its members are compared with each other,
    under the group's platform and kind, whatever their names say. Membership is kept on the
    service rows, which syncs update in place and never delete, so it survives every re-sync.
    """

    name = models.CharField(max_length=120, unique=True)
    platform = models.CharField(max_length=20, blank=True)
    kind = models.CharField(max_length=20, blank=True)
    note = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class GroupMember(models.Model):
    group = models.ForeignKey(ServiceGroup, on_delete=models.CASCADE, related_name="members")
    # One group per service: a product is the same as one set of others, not several.
    service = models.OneToOneField(Service, on_delete=models.CASCADE, related_name="pinned")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["group", "added_at"]

    def __str__(self):
        return f"{self.service} in {self.group}"
