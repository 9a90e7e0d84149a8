"""The catalog page's search, filters and sorting: a GET form that narrows a queryset."""

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from providers.models import RECENT

SORTS = {
    "name": ("category", "name", "pk"),
    "rate": ("rate", "pk"),
    "-rate": ("-rate", "pk"),
    "min": ("min", "pk"),
    "-min": ("-min", "pk"),
    "max": ("max", "pk"),
    "-max": ("-max", "pk"),
    "id": ("service_id", "pk"),
}
# Which services the catalog lists (the words name services, plural, in the filter's select).
SHOW = {
    "active": pgettext_lazy("services", "Active"),
    "new": pgettext_lazy("services", "New"),
    "repriced": pgettext_lazy("services", "Price changed"),
    "inactive": pgettext_lazy("services", "Inactive"),
    "all": pgettext_lazy("services", "All"),
}


def matching(text: str) -> Q:
    """Services whose name or category contains `text`, or whose panel id is `text`."""
    return Q(name__icontains=text) | Q(category__icontains=text) | Q(service_id=text)


class CatalogFilter(forms.Form):
    q = forms.CharField(required=False, label=_("Search"), max_length=200)
    category = forms.ChoiceField(required=False, label=_("Category"))
    show = forms.ChoiceField(required=False, label=_("Show"), choices=SHOW.items())
    refill = forms.BooleanField(required=False, label=_("Refill"))
    cancel = forms.BooleanField(required=False, label=_("Cancel"))
    dripfeed = forms.BooleanField(required=False, label=_("Drip-feed"))
    sort = forms.ChoiceField(required=False, choices=[(key, key) for key in SORTS])

    def __init__(self, data, *, categories):
        super().__init__(data)
        self.fields["category"].choices = [("", _("All categories"))] + [(c, c) for c in categories]

    def value(self, name, default=""):
        if self.is_valid():
            return self.cleaned_data.get(name) or default
        return default

    def apply(self, services, provider):
        """`services` narrowed and sorted as asked (bad values are ignored, not errors)."""
        if not self.is_valid():
            return services.filter(active=True).order_by(*SORTS["name"])
        data = self.cleaned_data
        show = data["show"] or "active"
        recent = timezone.now() - RECENT
        if show == "active":
            services = services.filter(active=True)
        elif show == "inactive":
            services = services.filter(active=False)
        elif show == "repriced":
            services = services.filter(rate_changed_at__gt=recent)
        elif show == "new":
            first_sync = provider.first_synced_at or timezone.now()
            services = services.filter(first_seen__gt=max(first_sync, recent))
        if data["q"]:
            text = data["q"].strip()
            services = services.filter(matching(text))
        if data["category"]:
            services = services.filter(category=data["category"])
        for flag in ("refill", "cancel", "dripfeed"):
            if data[flag]:
                services = services.filter(**{flag: True})
        return services.order_by(*SORTS[data["sort"] or "name"])
