"""The Compare search form, and the forms for groups, labels and pins."""

from django import forms
from django.utils.translation import gettext_lazy as _

from compare.models import RoutingPolicy, ServiceGroup
from compare.search import SORTS, Criteria
from compare.typed_quantity import read_quantity
from providers.classify import KINDS, LIFETIME, PLATFORMS, QUALITIES, Labels
from providers.models import Provider, Service

# The labels in the page's language (the vocabularies hold them in English).
PLATFORM_CHOICES = [(key, _(label)) for key, (label, _spellings) in PLATFORMS.items()]
KIND_CHOICES = [(key, _(label)) for key, (label, _spellings) in KINDS.items()]
QUALITY_CHOICES = [(key, _(label)) for key, (label, _spellings) in QUALITIES.items()]
DEFAULT_QUANTITY = 1000
MOST_QUANTITY = 10**12


class CompareForm(forms.Form):
    """The Compare page's search: a GET form, so every result is a link to share or bookmark.
    Bad values are ignored (the field falls back to its default), never an error page."""

    q = forms.CharField(required=False, max_length=200, label=_("What you need"))
    quantity = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=MOST_QUANTITY,
        error_messages={
            "invalid": _("Type the quantity as a whole number, such as 5000."),
            "min_value": _("A quantity is 1 or more: nothing was priced."),
            "max_value": _("No panel takes that many: nothing was priced."),
        },
    )
    link = forms.CharField(required=False, max_length=2000, label=_("Link (for the order)"))
    platform = forms.ChoiceField(
        required=False, choices=[("", _("Any platform")), *PLATFORM_CHOICES]
    )
    kind = forms.ChoiceField(required=False, choices=[("", _("Any kind")), *KIND_CHOICES])
    provider = forms.ModelMultipleChoiceField(
        required=False,
        queryset=Provider.objects.filter(enabled=True),
        widget=forms.CheckboxSelectMultiple,
    )
    refill = forms.BooleanField(required=False, label=_("Refill"))
    cancel = forms.BooleanField(required=False, label=_("Cancel"))
    dripfeed = forms.BooleanField(required=False, label=_("Drip-feed"))
    fits = forms.BooleanField(required=False, label=_("Quantity fits"))
    like = forms.ModelChoiceField(
        required=False,
        queryset=Service.objects.select_related("provider"),
        widget=forms.HiddenInput,
    )
    group = forms.ModelChoiceField(
        required=False, queryset=ServiceGroup.objects.all(), widget=forms.HiddenInput
    )
    sort = forms.ChoiceField(required=False, choices=[(key, key) for key in SORTS])

    def __init__(self, data=None, **kwargs):
        data = data.copy() if data is not None else None
        # A quantity typed in the search ("tiktok views 5000") wins over the field, and fills
        # it: it is the one typed last.
        self.typed_quantity = None
        if data is not None and data.get("q"):
            chosen = bool(data.get("platform") or data.get("kind"))
            self.typed_quantity = read_quantity(data["q"], product_chosen=chosen)
        if self.typed_quantity is not None:
            value = self.typed_quantity.value
            data["quantity"] = self.typed_quantity.words if value is None else str(value)
        elif data is not None and "quantity" not in data:
            data["quantity"] = str(DEFAULT_QUANTITY)
        super().__init__(data, **kwargs)
        self.fields["q"].widget.attrs.update(
            placeholder=_('e.g. "instagram followers real", "tiktok views", "подписчики youtube"'),
            autocomplete="off",
            autofocus=True,
        )
        self.fields["q"].widget.input_type = "search"
        self.fields["quantity"].widget.attrs.update(
            {"placeholder": str(DEFAULT_QUANTITY), "aria-describedby": "quantity-error"}
        )
        if data is not None and "quantity" in self.errors:
            self.fields["quantity"].widget.attrs["aria-invalid"] = "true"
        self.fields["link"].widget.attrs.update(placeholder=_("https://…"), autocomplete="off")

    def criteria(self) -> Criteria:
        data = self._good_data()
        text = data.get("q") or ""
        if self.typed_quantity is not None:
            text = self.typed_quantity.rest
        return Criteria(
            text=text.strip(),
            quantity=data.get("quantity"),
            platform=data.get("platform") or "",
            kind=data.get("kind") or "",
            providers=list(data.get("provider") or []),
            refill=bool(data.get("refill")),
            cancel=bool(data.get("cancel")),
            dripfeed=bool(data.get("dripfeed")),
            fits=bool(data.get("fits")),
            like=data.get("like"),
            group=data.get("group"),
            sort=data.get("sort") or "cost",
        )

    def _good_data(self) -> dict:
        """The fields that are valid, so one bad value does not drop the whole search."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if name not in self.errors}

    def value(self, name, default=""):
        return self._good_data().get(name) or default


class GroupForm(forms.ModelForm):
    class Meta:
        model = ServiceGroup
        fields = ["name", "platform", "kind", "note"]
        widgets = {
            "platform": forms.Select(choices=[("", _("Any platform")), *PLATFORM_CHOICES]),
            "kind": forms.Select(choices=[("", _("Any kind")), *KIND_CHOICES]),
            "note": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "platform": _("Suggestions come from this platform's services."),
            "kind": _("…and of this kind."),
        }


class PinForm(forms.Form):
    """Pin a service to an existing group, or to a new one named here."""

    group = forms.ModelChoiceField(
        required=False,
        queryset=ServiceGroup.objects.all(),
        label=_("Group"),
        empty_label=_("A new group…"),
    )
    new_name = forms.CharField(required=False, max_length=120, label=_("New group's name"))

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("group") and not (cleaned.get("new_name") or "").strip():
            raise forms.ValidationError(_("Choose a group, or name a new one."))
        return cleaned


REFILL_CHOICES = [
    ("", _("Not stated")),
    ("none", _("No refill")),
    ("unstated", _("Refill, period not stated")),
    ("days", _("Refill for N days")),
    ("lifetime", _("Lifetime refill")),
]


class LabelsForm(forms.Form):
    """A correction of what smmdash read from a service's name."""

    platform = forms.ChoiceField(
        required=False, label=_("Platform"), choices=[("", _("Unknown")), *PLATFORM_CHOICES]
    )
    kind = forms.ChoiceField(
        required=False, label=_("Kind"), choices=[("", _("Unknown")), *KIND_CHOICES]
    )
    quality = forms.ChoiceField(
        required=False, label=_("Quality"), choices=[("", _("Not stated")), *QUALITY_CHOICES]
    )
    refill = forms.ChoiceField(required=False, label=_("Refill"), choices=REFILL_CHOICES)
    refill_days = forms.IntegerField(
        required=False, min_value=1, max_value=LIFETIME - 1, label=_("Refill days")
    )
    geo = forms.CharField(required=False, max_length=20, label=_("Geo"))
    speed = forms.CharField(required=False, max_length=20, label=_("Speed"))

    @classmethod
    def of(cls, service: Service):
        if service.refill_in_name is None:
            refill = ""
        elif not service.refill_in_name:
            refill = "none"
        elif service.refill_days == LIFETIME:
            refill = "lifetime"
        else:
            refill = "days" if service.refill_days else "unstated"
        initial = {name: getattr(service, name) for name in ("platform", "kind", "quality")}
        initial |= {
            "refill": refill,
            "refill_days": service.refill_days,
            "geo": service.geo,
            "speed": service.speed,
        }
        return cls(initial=initial)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("refill") == "days" and not cleaned.get("refill_days"):
            self.add_error("refill_days", _("How many days does the refill cover?"))
        return cleaned

    def labels(self) -> Labels:
        data = self.cleaned_data
        refill_in_name, refill_days = {
            "": (None, None),
            "none": (False, 0),
            "unstated": (True, None),
            "days": (True, data.get("refill_days")),
            "lifetime": (True, LIFETIME),
        }[data["refill"]]
        return Labels(
            platform=data["platform"],
            kind=data["kind"],
            quality=data["quality"],
            refill_in_name=refill_in_name,
            refill_days=refill_days,
            geo=data["geo"].strip(),
            speed=data["speed"].strip(),
        )


LABEL_FIELDS = ("platform", "kind", "quality", "geo")


class RoutingPolicyForm(forms.ModelForm):
    """A routing policy: a curated group, or a platform and kind (and, optionally, a quality
    and geo), and how to choose among their providers."""

    class Meta:
        model = RoutingPolicy
        fields = ["group", "platform", "kind", "quality", "geo", "strategy"]
        widgets = {
            "platform": forms.Select(choices=[("", _("(the group's)")), *PLATFORM_CHOICES]),
            "kind": forms.Select(choices=[("", _("(the group's)")), *KIND_CHOICES]),
            "quality": forms.Select(choices=[("", _("Any quality")), *QUALITY_CHOICES]),
        }
        labels = {
            "group": _("Curated group"),
            "platform": _("Platform"),
            "kind": _("Kind"),
            "quality": _("Quality"),
            "geo": _("Country"),
            "strategy": _("How to choose the provider"),
        }
        help_texts = {
            "group": _("A curated group; or leave it empty and choose a platform and kind."),
            "geo": _("Optional: a country code, as Compare shows it (USA, RU, ...)."),
        }

    def clean(self):
        data = super().clean()
        if data.get("group"):
            for name in LABEL_FIELDS:
                data[name] = ""
        elif not (data.get("platform") and data.get("kind")):
            raise forms.ValidationError(_("Choose a curated group, or a platform and a kind."))
        return data

    def validate_unique(self):
        """One policy per product, said in words (Django's would name the constraint)."""
        data = self.cleaned_data
        if data.get("group"):
            same = RoutingPolicy.objects.filter(group=data["group"])
        else:
            same = RoutingPolicy.objects.filter(
                group__isnull=True, **{name: data.get(name, "") for name in LABEL_FIELDS}
            )
        if same.exclude(pk=self.instance.pk).exists():
            self.add_error(None, _("That product has a policy already: edit that one."))

    def validate_constraints(self):
        if not self.errors:  # those already said in words are not said again by name
            super().validate_constraints()


class PolicyProviderForm(forms.Form):
    """A provider to put last in a policy's own order."""

    provider = forms.ModelChoiceField(Provider.objects.none(), label=_("Add a provider"))

    def __init__(self, policy, *args, **kwargs):
        super().__init__(*args, **kwargs)
        listed = policy.ranks.values("provider")
        self.fields["provider"].queryset = Provider.objects.exclude(pk__in=listed).order_by("name")
