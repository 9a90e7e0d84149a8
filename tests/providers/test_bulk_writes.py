"""smmdash.lib.bulk on the real database: rows inserted from a generator across statements, and
new values by primary key, exact."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from providers.models import Service
from smmdash.lib.bulk import insert_rows, update_rows

pytestmark = pytest.mark.django_db


def test_rows_updated_by_primary_key_keep_exact_values_and_others_stay(synced):
    provider = synced("smmprovider")
    before = dict(provider.services.values_list("pk", "rate"))
    changed = sorted(before)[::2]
    later = datetime(2026, 12, 2, 8, 30, tzinfo=UTC)
    rows = [(pk, Decimal("1.234567"), later, None) for pk in changed]

    assert update_rows(Service, ("rate", "last_seen", "vanished_at"), rows) == len(changed)

    after = {s.pk: s for s in provider.services.all()}
    assert {(after[pk].rate, after[pk].last_seen, after[pk].vanished_at) for pk in changed} == {
        (Decimal("1.234567"), later, None)
    }
    unchanged = set(before) - set(changed)
    assert all(after[pk].rate == before[pk] and after[pk].last_seen != later for pk in unchanged)
    assert update_rows(Service, ("rate",), []) == 0


def test_rows_from_a_generator_are_all_written_exactly_across_statements(make_provider):
    provider = make_provider("smmprovider")
    seen = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
    same = {
        "provider": provider.pk, "category": "Generated", "type": "Default", "min": 1, "max": 9,
        "refill": None, "cancel": False, "dripfeed": False, "active": True, "first_seen": seen,
        "last_seen": seen, "platform": "", "kind": "", "quality": "", "geo": "", "speed": "",
        "labels_fixed": False,
    }  # fmt: skip
    columns = (*same, "service_id", "name", "rate")
    # More rows than one INSERT takes on SQLite, made one at a time as they are written.
    rows = (
        (*same.values(), f"g{number}", f"Service {number}", Decimal(number) / 1000)
        for number in range(2_500)
    )

    assert insert_rows(Service, columns, rows) == 2_500
    stored = dict(provider.services.values_list("service_id", "rate"))
    assert len(stored) == 2_500
    assert stored["g1234"] == Decimal("1.234") and stored["g0"] == Decimal(0)
    assert set(provider.services.values_list("first_seen", flat=True)) == {seen}
    assert insert_rows(Service, columns, iter(())) == 0
    assert provider.services.count() == 2_500
