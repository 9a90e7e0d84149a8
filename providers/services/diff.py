"""Apply a fetched catalog to the cached one in a handful of statements, whatever its size.

One SELECT reads what is cached; then new services are inserted, changed ones updated, and
vanished ones marked inactive, each in bulk. Unchanged services are not written at all, so a
re-sync with nothing new writes nothing but its own sync record.
"""

import logging
from collections import defaultdict
from decimal import Decimal, InvalidOperation

from django.db.models import DateTimeField, Value

from panel import Service as FetchedService
from providers.classify import FIELDS as LABEL_FIELDS
from providers.classify import classify
from providers.models import RATE, PriceChange, Provider, Service
from smmdash.lib.bulk import insert_rows, insert_selected, update_rows

log = logging.getLogger("smmdash.providers")

# Fields a sync compares and copies, in this order.
FIELDS = ("name", "category", "type", "rate", "min", "max", "refill", "cancel", "dripfeed")
_LENGTHS = {name: Service._meta.get_field(name).max_length for name in ("name", "category", "type")}
_RATE_STEP = Decimal(1).scaleb(-RATE["decimal_places"])
_RATE_LIMIT = Decimal(10) ** (RATE["max_digits"] - RATE["decimal_places"])
_BIGINT = 2**63 - 1
_ID_LENGTH = Service._meta.get_field("service_id").max_length
_CHUNK = 500  # ids per IN (...) list


def apply_catalog(provider: Provider, fetched: list[FetchedService], now) -> dict[str, int]:
    """Bring `provider`'s cached services in line with `fetched`. Call inside a transaction.

    Returns the counts: added, changed, reactivated, removed, unchanged, and active (the size
    of the catalog now).
    """
    incoming = _storable(provider, fetched)
    cached = {
        row[1]: row
        for row in Service.objects.filter(provider=provider).values_list(
            "pk", "service_id", "active", "labels_fixed", *FIELDS
        )
    }
    added, updated, price_changes = [], [], []
    counts = dict.fromkeys(("added", "changed", "reactivated", "removed", "unchanged"), 0)

    for service_id, values in incoming.items():
        row = cached.get(service_id)
        if row is None:
            added.append((service_id, values))
            counts["added"] += 1
            continue
        pk, _, active, labels_fixed, *old = row
        old_values = dict(zip(FIELDS, old, strict=True))
        if active and old_values == values:
            counts["unchanged"] += 1
            continue
        service = Service(pk=pk, active=True, last_seen=now, vanished_at=None, **values)
        fields = [name for name in FIELDS if old_values[name] != values[name]]
        fields += ["last_seen"] if active else ["last_seen", "active", "vanished_at"]
        renamed = {"name", "category"} & set(fields)
        if renamed and not labels_fixed:
            for name, value in classify(values["name"], values["category"]).as_dict().items():
                setattr(service, name, value)
            fields += LABEL_FIELDS
        if old_values["rate"] != values["rate"]:
            service.previous_rate, service.rate_changed_at = old_values["rate"], now
            fields += ["previous_rate", "rate_changed_at"]
            price_changes.append(
                PriceChange(
                    service_id=pk,
                    old_rate=old_values["rate"],
                    new_rate=values["rate"],
                    changed_at=now,
                )
            )
        updated.append((service, tuple(fields)))
        counts["reactivated" if not active else "changed"] += 1

    vanished = [
        pk
        for service_id, (pk, _, active, *_) in cached.items()
        if active and service_id not in incoming
    ]
    counts["removed"] = len(vanished)

    if added:
        _insert(provider, added, now, after_pk=max((row[0] for row in cached.values()), default=0))
    _update(updated)
    # The last sync that still listed them is when they were last seen.
    last_seen = provider.catalog_synced_at or now
    for start in range(0, len(vanished), _CHUNK):
        Service.objects.filter(pk__in=vanished[start : start + _CHUNK]).update(
            active=False, last_seen=last_seen, vanished_at=now
        )
    if price_changes:
        PriceChange.objects.bulk_create(price_changes)
    counts["active"] = len(incoming)
    return counts


_ADDED_COLUMNS = (
    "provider",
    "service_id",
    "first_seen",
    "last_seen",
    "active",
    "labels_fixed",
    *FIELDS,
    *LABEL_FIELDS,
)


def _insert(provider: Provider, added: list[tuple[str, dict]], now, after_pk: int):
    """Write new services, then their first price reading, read back by the database itself:
    the new rows are this provider's above the highest id it had (ids only grow)."""
    # Labelled as they are written: on PostgreSQL the rows stream into COPY, so the server
    # stores and indexes the first ones while this process labels the rest.
    rows = (
        (
            provider.pk,
            service_id,
            now,
            now,
            True,
            False,
            *values.values(),
            *classify(values["name"], values["category"]).as_tuple(),
        )
        for service_id, values in added
    )
    insert_rows(Service, _ADDED_COLUMNS, rows)
    first_rates = Service.objects.filter(provider=provider, pk__gt=after_pk).values_list(
        "pk", "rate", Value(now, output_field=DateTimeField())
    )
    insert_selected(PriceChange, ("service", "new_rate", "changed_at"), first_rates)


def _update(updated: list[tuple[Service, tuple[str, ...]]]):
    """Write changed services, each group with the same changed fields in one update_rows.

    Writing only what changed keeps the statements small: a typical re-sync changes nothing but
    some rates, and writing all thirteen columns made 1,000 repriced services take four times
    as long on SQLite.
    """
    by_fields = defaultdict(list)
    for service, fields in updated:
        by_fields[fields].append(service)
    for fields, services in by_fields.items():
        rows = [(service.pk, *(getattr(service, name) for name in fields)) for service in services]
        update_rows(Service, fields, rows)


def _storable(provider: Provider, fetched: list[FetchedService]) -> dict[str, dict]:
    """{service_id: field values} as the database will store them, so comparing with what is
    cached finds real changes only. Entries that cannot be stored are logged and left out."""
    incoming, skipped = {}, []
    for entry in fetched:
        service_id = entry.service_id.strip()
        try:
            rate = entry.rate.quantize(_RATE_STEP)
        except InvalidOperation:
            rate = None
        if (
            not service_id
            or len(service_id) > _ID_LENGTH
            or rate is None
            or not 0 <= rate < _RATE_LIMIT
            or not 0 <= entry.min <= _BIGINT
            or not 0 <= entry.max <= _BIGINT
        ):
            skipped.append(service_id[:_ID_LENGTH] or "(no id)")
            continue
        if service_id in incoming:
            continue  # a panel listing one id twice: the first entry wins
        incoming[service_id] = {
            "name": entry.name[: _LENGTHS["name"]],
            "category": entry.category[: _LENGTHS["category"]],
            "type": entry.type[: _LENGTHS["type"]],
            "rate": rate,
            "min": entry.min,
            "max": entry.max,
            "refill": entry.refill,
            "cancel": entry.cancel,
            "dripfeed": entry.dripfeed,
        }
    if skipped:
        log.warning(
            "Catalog of %s: %s services with unusable values left out (ids %s)",
            provider,
            len(skipped),
            ", ".join(skipped[:10]),
        )
    return incoming
