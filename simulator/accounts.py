"""The simulator's demo accounts, kept in a file so their keys survive restarts.

The file maps each panel to its API URL and key; the demo setup reads it to create the demo
provider accounts. It is written with mode 600, like any file holding keys.
"""

import json
import os
import secrets
from pathlib import Path

from simulator.wild import ALL_DIALECTS as DIALECTS


def load_or_create(path: Path) -> dict[str, str]:
    """{panel: key}, reading the file or creating it with new random keys."""
    if path.exists():
        saved = json.loads(path.read_text())
        keys = {slug: entry["key"] for slug, entry in saved.items() if slug in DIALECTS}
        if set(keys) == set(DIALECTS):
            return keys
    return {slug: secrets.token_hex(16) for slug in DIALECTS}


def save(path: Path, simulator) -> None:
    entries = {
        slug: {"url": simulator.url(slug), "key": simulator.key(slug)} for slug in simulator.panels
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as file:
        json.dump(entries, file, indent=2)
    os.replace(partial, path)  # readers never see half a file
