from django.db import migrations
from django.db.models import F

from providers.classify import FIELDS, classify


def label_services(apps, schema_editor):
    """Label every cached service, and date the vanished ones by when they were last seen."""
    Service = apps.get_model("providers", "Service")
    services = Service.objects.order_by("pk").only("pk", "name", "category")
    batch = []
    for service in services.iterator(chunk_size=2000):
        for name, value in classify(service.name, service.category).as_dict().items():
            setattr(service, name, value)
        batch.append(service)
        if len(batch) == 2000:
            Service.objects.bulk_update(batch, FIELDS)
            batch = []
    Service.objects.bulk_update(batch, FIELDS)
    Service.objects.filter(active=False, vanished_at__isnull=True).update(
        vanished_at=F("last_seen")
    )


class Migration(migrations.Migration):
    dependencies = [("providers", "0004_service_labels")]
    operations = [migrations.RunPython(label_services, migrations.RunPython.noop)]
