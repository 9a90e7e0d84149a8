"""The systemd units in deploy/systemd/: one per Procfile process, each started again when
it exits, workers stopped without cutting their tasks off."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

from orders.services import SUBMIT_TIME_LIMIT
from providers.services import SYNC_TIME_LIMIT

ROOT = Path(settings.BASE_DIR)
UNITS = ROOT / "deploy" / "systemd"
PROCFILE = re.findall(r"^([a-z]+):", (ROOT / "Procfile").read_text(), re.MULTILINE)


def unit(name) -> dict[str, str]:
    """A unit file's settings, as `Key` -> value (the last one given)."""
    pairs = re.findall(r"^(\w+)=(.*)$", (UNITS / name).read_text(), re.MULTILINE)
    return dict(pairs)


def wanted_units() -> dict[str, str]:
    """What smmdash.target starts: unit name -> its command (a template's with its instance)."""
    commands = {}
    for name in unit("smmdash.target")["Wants"].split():
        template, at, instance = name.partition("@")
        file = f"{template}@.service" if at else name
        commands[name] = unit(file)["ExecStart"].replace("%i", instance.removesuffix(".service"))
    return commands


def unit_running(process) -> str:
    """The unit file that runs the Procfile's `process`."""
    for name, command in wanted_units().items():
        if command.endswith(f" --run {process}"):
            template, at, _ = name.partition("@")
            return f"{template}@.service" if at else name
    raise AssertionError(f"smmdash.target wants no unit that runs {process}")


def test_every_procfile_process_has_a_unit_that_starts_it_again_whenever_it_exits():
    assert set(PROCFILE) == {"web", "worker", "panels", "beat"}
    for process in PROCFILE:
        file = unit_running(process)
        service = unit(file)
        assert service["Restart"] == "always", file
        assert service["StartLimitIntervalSec"] == "0", file  # never gives up
        assert service["Environment"] == "ENV_FILE=/etc/smmdash.env", file
        assert service["ExecStart"].startswith(
            "/srv/smmdash/.venv/bin/python /srv/smmdash/bin/supervise --run "
        )


def test_a_worker_is_stopped_with_time_to_finish_its_tasks():
    file = unit_running("worker")
    assert unit_running("panels") == file
    service = unit(file)
    # SIGTERM to Celery alone: it lets its pool finish; SIGTERM to the pool would cut sends off.
    assert service["KillMode"] == "mixed"
    assert int(service["TimeoutStopSec"]) > max(SYNC_TIME_LIMIT, SUBMIT_TIME_LIMIT)


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="needs systemd-analyze")
def test_systemd_accepts_the_units(tmp_path):
    # Installed where this checkout is, as README: Production installs them in /srv/smmdash.
    for path in UNITS.iterdir():
        (tmp_path / path.name).write_text(path.read_text().replace("/srv/smmdash", str(ROOT)))
    units = [str(tmp_path / name) for name in [*wanted_units(), "smmdash.target"]]
    result = subprocess.run(
        [shutil.which("systemd-analyze"), "verify", *units],
        capture_output=True,
        text=True,
        timeout=60,
    )
    # It reports what it ignores (a misspelt setting, say) without failing: nothing is ignored.
    assert result.returncode == 0 and not result.stderr.strip(), result.stderr
