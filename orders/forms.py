"""The order form, the mass-order form, the list's filters, and the forms that resolve an order
whose answer was lost (the panel's id, and reopening)."""

import uuid
from datetime import timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from compare.routing import Product, ProductNotUnderstood
from orders.models import MAX_QUANTITY, PROBLEMS, STILL_MOVING, Order
from orders.services.mass_input import UnreadableFile, read_box, read_file
from orders.services.placing import OrderActionRefused
from orders.services.resolving import clean_panel_id
from orders.validation import check_quantity, check_service, clean_link
from panel.order_types import API_DATE_FORMAT, SUBSCRIPTION_DELAYS, lines, service_type
from providers.models import Provider
from smmdash.lib import params
from smmdash.lib.days import day_start
from smmdash.lib.forms import HiddenFieldErrorsShown, token_field
from smmdash.lib.numbers import count_text

LINE_HELP = _("One per line.")


class TokenForm(HiddenFieldErrorsShown, forms.Form):
    """A form that places orders: it carries a token of its own, so that sent twice (a double
    click, a resubmitted page) it finds the order it made instead of making another."""

    form_token = token_field(
        _(
            "This form arrived without its token, so nothing was ordered: reload the page and "
            "send it again."
        )
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("form_token", uuid.uuid4().hex)
        super().__init__(*args, **kwargs)


class OrderForm(TokenForm):
    """An order for one cached service; shows only the fields that service's type needs."""

    link = forms.CharField(
        label=_("Link"),
        max_length=2000,
        widget=forms.URLInput(attrs={"placeholder": "https://", "autofocus": True}),
    )
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=MAX_QUANTITY)
    runs = forms.IntegerField(
        label=_("Runs"),
        required=False,
        min_value=2,
        max_value=1000,
        help_text=_("Drip-feed: deliver in this many runs."),
    )
    interval = forms.IntegerField(
        label=_("Interval"),
        required=False,
        min_value=1,
        max_value=10_080,
        help_text=_("Minutes between runs."),
    )
    comments = forms.CharField(
        label=_("Comments"), widget=forms.Textarea(attrs={"rows": 6}), help_text=LINE_HELP
    )
    usernames = forms.CharField(
        label=_("Usernames"), widget=forms.Textarea(attrs={"rows": 4}), help_text=LINE_HELP
    )
    hashtags = forms.CharField(
        label=_("Hashtags"), widget=forms.Textarea(attrs={"rows": 3}), help_text=LINE_HELP
    )
    username = forms.CharField(label=_("Username"), max_length=200)
    answer_number = forms.IntegerField(min_value=1, max_value=1000, label=_("Answer number"))
    min = forms.IntegerField(min_value=1, max_value=MAX_QUANTITY, label=_("Min per post"))
    max = forms.IntegerField(min_value=1, max_value=MAX_QUANTITY, label=_("Max per post"))
    posts = forms.IntegerField(
        label=_("Posts"),
        min_value=1,
        max_value=MAX_QUANTITY,
        required=False,
        help_text=_("New posts to cover; empty for unlimited."),
    )
    delay = forms.TypedChoiceField(
        label=_("Delay"),
        coerce=int,
        choices=[(minutes, format_lazy(_("{} min"), minutes)) for minutes in SUBSCRIPTION_DELAYS],
        help_text=_("Wait before delivering to each new post."),
    )
    expiry = forms.DateField(
        label=_("Expiry"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Optional."),
    )
    confirm_overlap = forms.BooleanField(
        required=False, label=_("Order it anyway: I know this link has an open order")
    )

    def __init__(self, service, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.service = service
        self.kind = service_type(service.type)
        wanted = {"link", "form_token", "confirm_overlap", *self.kind.fields}
        if self.kind.sends_quantity:
            wanted.add("quantity")
            if service.dripfeed:
                wanted |= {"runs", "interval"}
        for name in list(self.fields):
            if name not in wanted:
                del self.fields[name]
            elif name in self.kind.optional:
                self.fields[name].required = False
        if "quantity" in self.fields:
            self.fields["quantity"].widget.attrs.update(
                {"min": service.min, "max": service.max, "step": 1}
            )
            self.fields["quantity"].help_text = format_lazy(
                _("Between {min} and {max}."),
                min=count_text(service.min),
                max=count_text(service.max),
            )
        self.quantity = None
        self.extra = {}

    def clean_link(self):
        return clean_link(self.cleaned_data["link"])

    def clean(self):
        data = super().clean()
        try:
            check_service(self.service)
        except ValidationError as problem:
            raise ValidationError(problem.messages) from None
        if bool(data.get("runs")) != bool(data.get("interval")):
            self.add_error(
                "interval" if data.get("runs") else "runs", _("Give both runs and interval.")
            )
        if data.get("min") and data.get("max") and data["min"] > data["max"]:
            self.add_error("min", _("Min per post cannot be more than max."))
        self.quantity = self.kind.quantity(data)
        self._check_quantity()
        self.extra = self._extra(data)
        return data

    def _check_quantity(self):
        source = self.kind.quantity_from
        field = source.removeprefix("lines:") if source.startswith("lines:") else source
        if field == "one" or field not in self.fields or self.has_error(field):
            return
        what = {"comments": _("The number of comments"), "usernames": _("The number of usernames")}
        try:
            check_quantity(self.service, self.quantity, what=what.get(field, _("Quantity")))
        except ValidationError as problem:
            self.add_error(field, problem)

    def _extra(self, data) -> dict:
        extra = {}
        for name in (*self.kind.fields, "runs", "interval"):
            value = data.get(name)
            if name not in self.fields or value in (None, ""):
                continue
            if name in ("comments", "usernames", "hashtags"):
                value = "\n".join(lines(value))
            elif name == "expiry":
                value = value.strftime(API_DATE_FORMAT)
            extra[name] = value
        return extra

    def to_price(self) -> tuple[int | None, int]:
        """(quantity, runs) as typed so far, to price the order with (quantity None: none yet)."""
        quantity = self.quantity
        if quantity is None:
            # A form pre-filled from Compare is priced before anything is typed.
            quantity = _int((self.data if self.is_bound else self.initial).get("quantity"))
        runs = self.extra.get("runs") or _int(self.data.get("runs")) or 1
        return quantity, runs


def _int(value):
    return params.whole_number(value, maximum=MAX_QUANTITY)


class BuyForm(TokenForm):
    """A product, a link and a quantity: smmdash picks the provider by the product's policy."""

    product = forms.CharField(
        label=_("Product"),
        max_length=200,
        widget=forms.TextInput(
            attrs={
                "placeholder": "instagram followers real",
                "autofocus": True,
                "list": "product-names",
                "autocomplete": "off",
            }
        ),
        help_text=_("A curated group's name, or what you are buying in words."),
    )
    link = forms.CharField(
        label=_("Link"),
        max_length=2000,
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=MAX_QUANTITY)
    confirm_overlap = forms.BooleanField(
        required=False, label=_("Order it anyway: I know this link has an open order")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.product = None

    def clean_link(self):
        return clean_link(self.cleaned_data["link"])

    def clean_product(self):
        try:
            self.product = Product.from_words(self.cleaned_data["product"])
        except ProductNotUnderstood as problem:
            raise ValidationError(str(problem)) from None
        return self.cleaned_data["product"]


class MassOrderForm(TokenForm):
    provider = forms.ModelChoiceField(
        Provider.objects.filter(enabled=True),
        required=False,
        label=_("Provider"),
        empty_label=_("Any provider: route each line by its product"),
        help_text=_(
            "With a provider, the first column is its service id; with any provider, a "
            "product (a curated group's name, or words like “instagram followers real”), and each "
            "line goes where its routing policy says."
        ),
    )
    lines = forms.CharField(
        label=_("Lines"),
        required=False,
        widget=forms.Textarea(
            attrs={"rows": 12, "placeholder": "service_id | link | quantity", "spellcheck": "false"}
        ),
        help_text=_(
            "One order per line: service id (or product) | link | quantity. Lines copied from "
            "a spreadsheet, or CSV with ; or , between the columns, are read too."
        ),
    )
    confirm_overlaps = forms.BooleanField(
        required=False,
        label=_("Order lines whose link has an open order too"),
        help_text=_(
            "Otherwise such lines are reported and left out: panels deliver overlapping "
            "orders badly."
        ),
    )
    csv_file = forms.FileField(
        required=False,
        label=_("Or a file: CSV or Excel (.xlsx)"),
        help_text=_(
            "Columns: service id (or product), link, quantity; a header row is fine. CSV with "
            "commas or semicolons, UTF-8 or Windows Cyrillic; of a workbook, the first sheet."
        ),
    )

    MAX_UPLOAD = 2 * 1024 * 1024
    box = None  # how the box was read, once it is clean

    def clean_lines(self):
        """The box's lines and how they were read (None when it is empty)."""
        try:
            self.box = read_box(self.cleaned_data.get("lines") or "")
        except UnreadableFile as problem:
            raise ValidationError(str(problem)) from None
        return self.cleaned_data.get("lines") or ""

    def clean_csv_file(self):
        """The upload, read here, so a bad file is a form error; None when there is none."""
        upload = self.cleaned_data.get("csv_file")
        if not upload:
            return None
        if upload.size > self.MAX_UPLOAD:
            raise ValidationError(_("That file is over 2 MB; split it into smaller ones."))
        try:
            return read_file(upload.read(), upload.name or "")
        except UnreadableFile as problem:
            raise ValidationError(
                _("{file}: {problem} Nothing was ordered.").format(
                    file=upload.name, problem=problem
                )
            ) from None

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        if self.box is None and not data.get("csv_file"):
            raise ValidationError(_("Paste some lines or choose a CSV or Excel file."))
        return data

    @property
    def readings(self):
        """How the box and the file were read, those that held lines."""
        return [reading for reading in (self.box, self.cleaned_data["csv_file"]) if reading]


class PanelIdForm(forms.Form):
    """The panel's order id staff found for an order whose answer was lost (or to replace a
    wrong one, with the reason): its shape is checked here, the panel is asked next."""

    provider_order_id = forms.CharField(
        max_length=64,
        label=_("The panel's order id"),
        help_text=_("Find the order in the panel's order history (same link, same time)."),
    )
    reason = forms.CharField(
        required=False,
        max_length=300,
        label=_("Why the recorded id is wrong"),
        widget=forms.TextInput(attrs={"placeholder": _("e.g. a typo in the id")}),
    )

    def __init__(self, *args, correcting=False, **kwargs):
        super().__init__(*args, **kwargs)
        if correcting:
            self.fields["provider_order_id"].label = _("The right id")
            self.fields["reason"].required = True
        else:
            del self.fields["reason"]

    def clean_provider_order_id(self):
        try:
            return clean_panel_id(self.cleaned_data["provider_order_id"])
        except OrderActionRefused as problem:
            raise ValidationError(str(problem)) from None


class ReopenForm(forms.Form):
    reason = forms.CharField(
        max_length=300,
        label=_("Why it needs checking again"),
        widget=forms.TextInput(
            attrs={"placeholder": _("e.g. the panel says “Incorrect order ID” for it")}
        ),
    )
    # The id staff saw: if someone changes it meanwhile, the reopen is refused.
    seen_panel_id = forms.CharField(max_length=64, widget=forms.HiddenInput)


class OrderFilter(forms.Form):
    SORTS = {
        "-created": ("-created_at", "-id"),
        "created": ("created_at", "id"),
        "provider": ("provider__name", "-created_at", "-id"),
        "status": ("status", "-created_at", "-id"),
        "-cost": ("-expected_cost", "-id"),
        "cost": ("expected_cost", "id"),
        "-quantity": ("-quantity", "-id"),
        "quantity": ("quantity", "id"),
    }
    STATUS_GROUPS = {
        "open": (_("Open (any)"), sorted(STILL_MOVING)),
        "problem": (_("Needs attention"), sorted(PROBLEMS)),
    }

    q = forms.CharField(required=False, max_length=200, label=_("Search"))
    provider = forms.ModelChoiceField(
        Provider.objects.all(), required=False, empty_label=_("All providers")
    )
    status = forms.ChoiceField(required=False)
    since = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    sort = forms.ChoiceField(required=False, choices=[(key, key) for key in SORTS])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        groups = [(key, label) for key, (label, _statuses) in self.STATUS_GROUPS.items()]
        self.fields["status"].choices = [("", _("All statuses")), *groups, *Order.Status.choices]

    def value(self, name, default=""):
        return (self.cleaned_data.get(name) if self.is_valid() else None) or default

    def apply(self, orders):
        if not self.is_valid():
            return orders.order_by(*self.SORTS["-created"])
        data = self.cleaned_data
        if data["provider"]:
            orders = orders.filter(provider=data["provider"])
        status = data["status"]
        if status in self.STATUS_GROUPS:
            orders = orders.filter(status__in=self.STATUS_GROUPS[status][1])
        elif status:
            orders = orders.filter(status=status)
        # Whole days in TIME_ZONE, as Spend and the scorecards count them, as ranges the
        # created_at index can serve.
        if data["since"]:
            orders = orders.filter(created_at__gte=day_start(data["since"]))
        if data["until"]:
            orders = orders.filter(created_at__lt=day_start(data["until"] + timedelta(days=1)))
        if data["q"]:
            orders = orders.filter(_search(data["q"].strip()))
        return orders.order_by(*self.SORTS[data["sort"] or "-created"])


def _search(text):
    found = Q(link__icontains=text) | Q(provider_order_id=text)
    number = params.an_id(text.lstrip("#"))
    if number is not None:
        found |= Q(pk=number)
    return found
