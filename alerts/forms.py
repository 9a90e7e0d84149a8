"""The Notifications page's forms: a channel, and the rules."""

from django import forms
from django.forms import modelformset_factory
from django.utils.translation import gettext_lazy as _

from alerts.models import Channel, Rule
from alerts.services import ChannelRefused, understood


class ChannelForm(forms.ModelForm):
    target = forms.CharField(
        label=_("Send to"),
        max_length=2000,
        required=False,
        widget=forms.TextInput({"autocomplete": "off", "spellcheck": "false"}),
        help_text=_(
            "Email: one or more addresses, comma separated. Notification URL: any URL "
            "apprise understands, such as tgram://bottoken/ChatID, slack://TokenA/TokenB/TokenC, "
            "discord://WebhookID/WebhookToken or json://hooks.example.com/path for a webhook."
        ),
    )

    class Meta:
        model = Channel
        fields = ["name", "kind", "target", "enabled"]
        labels = {"kind": _("Kind")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["kind"].disabled = True
            self.fields["target"].help_text = _(
                "Now: {target}. Leave empty to keep it; what is stored is never shown again."
            ).format(target=self.instance.target_hint)
        else:
            self.fields["target"].required = True

    def clean(self):
        data = super().clean()
        target, kind = data.get("target"), data.get("kind") or self.instance.kind
        if target and kind:
            try:
                data["target"] = understood(kind, target)
            except ChannelRefused as refused:
                self.add_error("target", str(refused))
        return data


# What a rule's threshold counts, as the rules table names it after the number.
THRESHOLD_UNITS = {"days": _("Days"), "minutes": _("Minutes"), "%": _("Percent")}


class RuleForm(forms.ModelForm):
    class Meta:
        model = Rule
        fields = ["enabled", "threshold", "remind_every_minutes", "channels"]
        widgets = {"channels": forms.CheckboxSelectMultiple}
        labels = {"remind_every_minutes": _("Remind every (minutes)")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        unit = self.instance.info.unit
        if unit:
            self.fields["threshold"].required = True
            self.fields["threshold"].label = THRESHOLD_UNITS[unit]
        else:
            del self.fields["threshold"]
        if self.instance.info.one_off:
            del self.fields["remind_every_minutes"]
        self.fields["channels"].required = False

    def clean(self):
        data = super().clean()
        if self.instance.pk is None:
            # The rules are one row a kind, made by a migration: a row without its rule's id
            # would save a rule of no kind.
            raise forms.ValidationError(
                _(
                    "This row arrived without its rule, so nothing was saved: reload the page "
                    "and save the rules again."
                )
            )
        return data


RuleFormSet = modelformset_factory(Rule, form=RuleForm, extra=0, can_delete=False)
