"""Production logs: one JSON object a line, and nothing shaped like a credential in them."""

import json
import subprocess
import sys

from tests.processes import BASE_DIR, clean_env

SCRIPT = """
import logging, django
django.setup()
log = logging.getLogger("some.library")
log.warning("POST https://panel.example/api/v2 body: key=%s&action=add", "s3cret-panel-key")
try:
    raise RuntimeError('sent {"key": "s3cret-panel-key", "action": "balance"}')
except RuntimeError:
    log.exception("request failed")
"""


def run_and_log(**env):
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=BASE_DIR,
        env=clean_env(SECRET_KEY="x" * 50, PROVIDER_SECRET_KEYS="", **env),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stderr


def test_production_logs_are_json_lines_with_credentials_masked():
    lines = run_and_log().strip().splitlines()

    records = [json.loads(line) for line in lines]  # every line is JSON
    records = [r for r in records if r["logger"] == "some.library"]
    assert [r["message"] for r in records] == [
        "POST https://panel.example/api/v2 body: key=[redacted]&action=add",
        "request failed",
    ]
    first = records[0]
    assert first["level"] == "WARNING"
    assert first["logger"] == "some.library"
    assert first["time"] and first["process"]
    assert "RuntimeError" in records[1]["exc_info"]
    assert '"key": "[redacted]"' in records[1]["exc_info"]
    assert "s3cret" not in "\n".join(lines)


def test_log_format_plain_is_for_people_and_masks_the_same():
    output = run_and_log(LOG_FORMAT="plain")
    assert "WARNING some.library: POST https://panel.example/api/v2 body: key=[redacted]" in output
    assert "Traceback" in output
    assert "s3cret" not in output
