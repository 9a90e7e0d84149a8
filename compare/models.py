"""Curated groups: services staff pinned as the same product across panels."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from providers.classify import Labels, describe
from providers.models import Service


class ServiceGroup(models.Model):
    """Services staff pinned as the same product across panels.

    A curated group wins over automatic matching: its members are compared with each other,
    under the group's platform and kind, whatever their names say. Membership is kept on the
    service rows, which syncs update in place and never delete, so it survives every re-sync.
    """

    name = models.CharField(_("name"), max_length=120, unique=True)
    platform = models.CharField(_("platform"), max_length=20, blank=True)
    kind = models.CharField(_("kind"), max_length=20, blank=True)
    note = models.TextField(_("note"), blank=True)
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


class RoutingPolicy(models.Model):
    """How smmdash picks the provider for a product when staff Buy it: the cheapest, the best
    value (cost per unit delivered, among healthy providers), or providers in an order staff
    set. A product is a curated group, or labels as Compare understands them (a platform and
    kind, optionally a quality and geo); the most specific policy that fits wins."""

    class Strategy(models.TextChoices):
        BEST_VALUE = "best_value", _("Best value")
        CHEAPEST = "cheapest", _("Cheapest")
        PRIORITY = "priority", _("Providers in my order")

    group = models.OneToOneField(
        ServiceGroup, null=True, blank=True, on_delete=models.CASCADE, related_name="policy"
    )
    platform = models.CharField(max_length=20, blank=True)
    kind = models.CharField(max_length=20, blank=True)
    quality = models.CharField(max_length=20, blank=True)
    geo = models.CharField(max_length=40, blank=True)
    strategy = models.CharField(max_length=12, choices=Strategy, default=Strategy.BEST_VALUE)
    providers = models.ManyToManyField(
        "providers.Provider", through="PolicyProvider", blank=True, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = _("routing policies")
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "kind", "quality", "geo"],
                condition=models.Q(group__isnull=True),
                name="one_policy_per_labels",
            ),
            models.CheckConstraint(
                condition=models.Q(group__isnull=False) | ~models.Q(platform="", kind=""),
                name="policy_names_a_product",
            ),
        ]

    def __str__(self):
        return f"{self.get_strategy_display()} for {self.product_name}"

    @property
    def product_name(self) -> str:
        if self.group_id:
            return self.group.name
        labels = Labels(platform=self.platform, kind=self.kind, quality=self.quality, geo=self.geo)
        return describe(labels)


class PolicyProvider(models.Model):
    """One provider in a policy's own order (the *Providers in my order* strategy)."""

    policy = models.ForeignKey(RoutingPolicy, on_delete=models.CASCADE, related_name="ranks")
    provider = models.ForeignKey("providers.Provider", on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "provider"], name="provider_once_per_policy")
        ]

    def __str__(self):
        return f"{self.position}. {self.provider}"
