"""Keep the trigram indexes' pending lists short, so a name search right after a sync is fast.

A GIN index takes new rows into a pending list, merged into the index proper when the list
outgrows gin_pending_list_limit (4 MB by default) or when (auto)vacuum runs. A search reads
the whole pending list row by row: after five first syncs of 10,000 services, a name search
took 45 ms instead of 1 ms until autovacuum came round. At 1 MB the list is merged four times
as often in smaller batches, which costs a first sync a few percent, and a search at most a
couple of milliseconds.

On SQLite, and where migration 0012 could not create the indexes, there is nothing to change.
"""

from django.db import migrations

INDEXES = ("providers_service_name_trgm", "providers_service_category_trgm")
PENDING_LIST_KB = 1024


def shorten(apps, schema_editor):
    _alter(schema_editor, f"SET (gin_pending_list_limit = {PENDING_LIST_KB})")


def restore(apps, schema_editor):
    _alter(schema_editor, "RESET (gin_pending_list_limit)")


def _alter(schema_editor, change: str):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for index in INDEXES:
            cursor.execute(f"ALTER INDEX IF EXISTS {index} {change}")


class Migration(migrations.Migration):
    dependencies = [
        ("providers", "0013_plain_names"),
    ]

    operations = [migrations.RunPython(shorten, restore)]
