"""smmdash.lib.bulk's update_rows on the real database: new values by primary key, exact."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from providers.models import Service
from smmdash.lib.bulk import update_rows

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
