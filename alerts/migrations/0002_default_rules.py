from django.db import migrations

# kind: (threshold, remind every minutes), as alerts.models.KINDS had them when rules began.
DEFAULTS = {
    "low_balance": (None, 240),
    "short_runway": (3, 720),
    "needs_checking": (None, 60),
    "sync_failing": (60, 240),
    "poll_failing": (15, 120),
    "backed_off": (None, 0),
    "price_move": (10, 0),
    "vanished": (None, 0),
}


def create_rules(apps, schema_editor):
    Rule = apps.get_model("alerts", "Rule")
    for kind, (threshold, remind) in DEFAULTS.items():
        Rule.objects.get_or_create(
            kind=kind, defaults={"threshold": threshold, "remind_every_minutes": remind}
        )


class Migration(migrations.Migration):
    dependencies = [("alerts", "0001_initial")]

    operations = [migrations.RunPython(create_rules, migrations.RunPython.noop)]
