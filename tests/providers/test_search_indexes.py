"""The indexes name searches go through on PostgreSQL, as the migrations leave them."""

import pytest
from django.db import connection

from providers.models import Service

pytestmark = pytest.mark.django_db

TRIGRAM_INDEXES = ["providers_service_name_trgm", "providers_service_category_trgm"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has no trigram indexes")
def test_names_and_categories_are_searched_through_trigram_indexes(synced):
    synced("smmprovider")
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname FROM pg_class WHERE relname = ANY(%s)", [TRIGRAM_INDEXES])
        indexes = {name for (name,) in cursor.fetchall()}
        cursor.execute("SET LOCAL enable_seqscan = off")  # a test catalog is small
        query = Service.objects.filter(name__icontains="Server 1234").order_by().values("pk").query
        sql, params = query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert indexes == set(TRIGRAM_INDEXES)
    assert "providers_service_name_trgm" in plan
