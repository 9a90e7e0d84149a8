"""The client and the simulator are plain Python: usable without Django."""

import json
import os
import subprocess
import sys
from pathlib import Path

from panel import PanelClient
from simulator import ALL_DIALECTS
from tests.processes import free_port, smmdash_env, wait_for

ROOT = Path(__file__).resolve().parents[2]


def test_the_client_and_simulator_import_no_django():
    code = (
        "import sys, panel.client, simulator\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] == 'django')\n"
        "print(','.join(loaded))"
    )
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""


def test_runsimulator_serves_every_panel_with_keys_kept_in_a_file(tmp_path, processes):
    port = free_port()
    accounts = tmp_path / "simulator.json"
    process = processes.start(
        "simulator",
        [
            sys.executable,
            "manage.py",
            "runsimulator",
            f"--port={port}",
            f"--accounts-file={accounts}",
        ],
        env=smmdash_env(DEMO="true"),  # the command is the demo's, not production's
    )
    wait_for(lambda: accounts.exists() or process.poll() is not None, timeout=30)
    assert accounts.exists(), processes.log("simulator")

    saved = json.loads(accounts.read_text())
    assert set(saved) == set(ALL_DIALECTS)  # the five seeds and the wild panels
    assert accounts.stat().st_mode & 0o777 == 0o600
    for panel, account in saved.items():
        assert account["url"].startswith(f"http://127.0.0.1:{port}/{panel}/api")
        client = PanelClient(
            account["url"], account["key"], retries=5, backoff=0.2, allow_private_hosts=True
        )
        assert client.balance().amount == ALL_DIALECTS[panel].opening_balance, panel
        assert len(client.services()) > 100, panel
    assert account["key"] not in processes.log("simulator")
