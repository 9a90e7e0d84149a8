"""Indexes for searching services by words: panel ids everywhere, and trigram indexes for
names and categories on PostgreSQL.

A search by words (Compare's "Server 1234", the catalog page's search box) is a case-blind
substring match, which Django writes as UPPER(name::text) LIKE UPPER('%...%'): no B-tree index
answers it, so it read every service. pg_trgm's GIN indexes on those same expressions do.

SQLite has no such index and scans its file fast enough; there, and on a PostgreSQL server
without the pg_trgm extension or the right to create it, this migration does nothing but say so.
"""

import logging

from django.db import migrations, models, transaction

log = logging.getLogger("smmdash.providers")

INDEXES = {
    "providers_service_name_trgm": "name",
    "providers_service_category_trgm": "category",
}


def create(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            for index, column in INDEXES.items():
                cursor.execute(
                    f"CREATE INDEX IF NOT EXISTS {index} ON providers_service "
                    f"USING gin ((UPPER({column}::text)) gin_trgm_ops)"
                )
    except Exception as problem:  # noqa: BLE001 (the index is a speed-up, never a requirement)
        log.warning("Name searches will scan every service: no trigram index (%s)", problem)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for index in INDEXES:
            cursor.execute(f"DROP INDEX IF EXISTS {index}")


class Migration(migrations.Migration):
    dependencies = [
        ("providers", "0011_apiday"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="service",
            index=models.Index(fields=["service_id"], name="providers_service_id_idx"),
        ),
        migrations.RunPython(create, drop),
    ]
