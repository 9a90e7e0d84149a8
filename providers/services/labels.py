"""Service labels (platform, kind, attributes): computed in bulk, corrected by staff.

Syncs label new and renamed services as they save them (providers.services.diff). This module
relabels whole catalogs, after the classifier learns new words, and records staff corrections,
which no sync or relabelling overwrites until staff put the service back on automatic.
"""

import logging

from providers.classify import FIELDS, Labels, classify
from providers.models import Service

log = logging.getLogger("smmdash.providers")

_BATCH = 2000


def relabel(services=None) -> int:
    """Recompute the labels of `services` (all of them by default) that staff did not fix.

    Reads in batches and writes only the services whose labels changed; returns that count.
    """
    services = (Service.objects.all() if services is None else services).filter(labels_fixed=False)
    changed, last_pk = 0, 0
    while True:
        batch = list(
            services.filter(pk__gt=last_pk)
            .order_by("pk")
            .only("pk", "name", "category", *FIELDS)[:_BATCH]
        )
        if not batch:
            return changed
        last_pk = batch[-1].pk
        stale = []
        for service in batch:
            labels = classify(service.name, service.category)
            if labels != service.labels:
                for name, value in labels.as_dict().items():
                    setattr(service, name, value)
                stale.append(service)
        Service.objects.bulk_update(stale, FIELDS, batch_size=500)
        changed += len(stale)


def fix_labels(service: Service, labels: Labels, user=None) -> Service:
    """Set `service`'s labels by hand; syncs keep them from now on."""
    for name, value in labels.as_dict().items():
        setattr(service, name, value)
    service.labels_fixed = True
    service.save(update_fields=[*FIELDS, "labels_fixed"])
    log.info("%s corrected the labels of service %s of %s", user, service.pk, service.provider_id)
    return service


def reset_labels(service: Service) -> Service:
    """Put `service` back on automatic labelling, from its current name and category."""
    service.labels_fixed = False
    for name, value in classify(service.name, service.category).as_dict().items():
        setattr(service, name, value)
    service.save(update_fields=[*FIELDS, "labels_fixed"])
    return service
