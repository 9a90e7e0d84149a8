from datetime import UTC
from importlib import import_module

from django.db import migrations
from django.utils import timezone

spend_days = import_module("orders.migrations.0005_spend_days")


def mark_days_due_in_time_zone(apps, schema_editor):
    """Rollups counted days in UTC; they count them in TIME_ZONE now. Where that is another
    zone, every day with orders, in either reckoning, is marked due: the dispatcher's ticks
    count each again (a UTC day left without orders keeps no figures)."""
    if timezone.get_default_timezone_name() in ("UTC", "Etc/UTC", "GMT", "Etc/GMT"):
        return  # the days are the same
    zones = (UTC, timezone.get_default_timezone())
    spend_days.mark_every_day_due(apps, schema_editor, zones=zones)


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0007_order_send_task_due_at"),
        ("scores", "0003_plain_names"),
    ]

    operations = [
        migrations.RunPython(mark_days_due_in_time_zone, migrations.RunPython.noop),
    ]
