"""The alerts page and the header's bell, and the Notifications page: channels, Send a test,
the rules and what was sent."""

from datetime import timedelta

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from alerts import services
from alerts.forms import ChannelForm, RuleFormSet
from alerts.models import Alert, Channel, Delivery, Rule, ensure_rules
from smmdash.lib.access import MANAGE_PROVIDERS, require, view_required
from smmdash.lib.htmx import render_page

manage_required = require(MANAGE_PROVIDERS)
RESOLVED_SHOWN = timedelta(days=7)


@view_required
def index(request):
    open_alerts = Alert.objects.filter(resolved_at__isnull=True).select_related("rule")
    if request.htmx and request.htmx.target == "alert-bell":
        alerts = list(open_alerts[:6])
        context = {
            "bell_alerts": alerts[:5],
            "open_count": open_alerts.count() if len(alerts) > 5 else len(alerts),
        }
        return render_page(request, "alerts/index.html", context, partials={"alert-bell"})
    recent = (
        Alert.objects.filter(resolved_at__gte=timezone.now() - RESOLVED_SHOWN)
        .select_related("rule")
        .order_by("-resolved_at")[:50]
    )
    context = {
        "open_alerts": list(open_alerts.select_related("acknowledged_by")),
        "resolved": list(recent),
        "channels_count": Channel.objects.filter(enabled=True).count(),
    }
    return render_page(request, "alerts/index.html", context)


@view_required
@require_POST
def acknowledge(request, pk):
    updated = Alert.objects.filter(pk=pk, resolved_at__isnull=True, acknowledged_at__isnull=True)
    if updated.update(acknowledged_at=timezone.now(), acknowledged_by=request.user):
        messages.success(request, _("Acknowledged: no more reminders for this alert."))
    return redirect("alerts:index")


def _notifications_context(request, **extra):
    ensure_rules()
    return {
        "channels": list(Channel.objects.all()),
        "channel_form": ChannelForm(),
        "rules": RuleFormSet(queryset=Rule.objects.prefetch_related("channels")),
        "deliveries": list(
            Delivery.objects.select_related("channel").order_by("-created_at", "-id")[:30]
        ),
        **extra,
    }


@manage_required
def notifications(request):
    return render(request, "alerts/notifications.html", _notifications_context(request))


@manage_required
@require_POST
def rules(request):
    formset = RuleFormSet(request.POST, queryset=Rule.objects.prefetch_related("channels"))
    if formset.is_valid():
        formset.save()
        messages.success(request, _("Alert rules saved."))
        return redirect("alerts:notifications")
    context = _notifications_context(request, rules=formset)
    return render(request, "alerts/notifications.html", context, status=400)


@manage_required
def channel_new(request):
    form = ChannelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        channel = services.save_channel(form.instance, form.cleaned_data["target"], request.user)
        messages.success(
            request,
            _("Channel “{channel}” added. Send it a test, then choose which rules use it.").format(
                channel=channel
            ),
        )
        return redirect("alerts:notifications")
    context = _notifications_context(request, channel_form=form)
    return render(request, "alerts/notifications.html", context, status=400 if form.errors else 200)


@manage_required
def channel_edit(request, pk):
    channel = get_object_or_404(Channel, pk=pk)
    form = ChannelForm(request.POST or None, instance=channel)
    if request.method == "POST" and form.is_valid():
        services.save_channel(form.instance, form.cleaned_data["target"])
        messages.success(request, _("Channel “{channel}” saved.").format(channel=channel))
        return redirect("alerts:notifications")
    status = 400 if form.errors else 200
    return render(request, "alerts/channel.html", {"form": form, "channel": channel}, status=status)


@manage_required
@require_POST
def channel_test(request, pk):
    channel = get_object_or_404(Channel, pk=pk)
    delivery = services.send_test(channel)
    context = {"channel": channel, "test": delivery}
    if request.htmx:
        return render(request, "alerts/notifications.html#channel-row", context)
    if delivery.status == Delivery.Status.SENT:
        messages.success(request, _("Test message sent to “{channel}”.").format(channel=channel))
    else:
        messages.error(
            request,
            _("The test to “{channel}” failed: {delivery_last_error}").format(
                channel=channel, delivery_last_error=delivery.last_error
            ),
        )
    return redirect("alerts:notifications")


@manage_required
@require_POST
def channel_delete(request, pk):
    channel = get_object_or_404(Channel, pk=pk)
    channel.delete()
    messages.success(request, _("Channel “{channel}” removed.").format(channel=channel))
    return redirect("alerts:notifications")
