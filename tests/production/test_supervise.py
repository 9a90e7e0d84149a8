"""bin/supervise: the Procfile's processes, each started again when it exits."""

import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

from tests.processes import wait_for

SUPERVISE = str(settings.BASE_DIR / "bin" / "supervise")


@pytest.fixture
def procfile(tmp_path):
    def procfile(**entries):
        path = tmp_path / "Procfile"
        path.write_text("".join(f"{name}: {command}\n" for name, command in entries.items()))
        return path

    return procfile


@pytest.fixture
def env_file(tmp_path):
    path = tmp_path / "smmdash.env"
    path.write_text("BIND=127.0.0.1:8123\nGREETING='hello there'\n")
    return path


def supervise(*args, output):
    return subprocess.Popen(
        [sys.executable, SUPERVISE, *args], stdout=output, stderr=subprocess.STDOUT
    )


def stopped(process, timeout=30):
    process.send_signal(signal.SIGTERM)
    return process.wait(timeout=timeout)


def alive(pid):
    """Running: a process killed but not yet reaped by its new parent does not count."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def test_a_process_that_exits_is_started_again_and_what_it_left_running_is_killed(
    tmp_path, procfile, env_file
):
    # `dies` leaves a child behind, as a killed worker leaves its pool processes.
    path = procfile(
        dies="sh -c 'sleep 300 & echo left $!; sleep 0.3; exit 3'",
        stays=f"{sys.executable} -c 'import time; time.sleep(300)'",
    )
    log = tmp_path / "supervise.log"
    with log.open("wb") as output:
        process = supervise("-f", path, "-e", env_file, output=output)
        restarted = wait_for(lambda: log.read_text().count("started dies") >= 3, timeout=30)
        assert stopped(process) == 0
    text = log.read_text()
    assert restarted, text
    assert "supervise | dies exited with code 3; starting it again in " in text
    assert text.count("started stays") == 1, text
    left = [int(pid) for pid in re.findall(r"dies +\| left (\d+)", text)]
    assert len(left) >= 3, text
    assert wait_for(lambda: not [pid for pid in left if alive(pid)], timeout=5), text


STUBBORN = """
import signal, time
signal.signal(signal.SIGTERM, signal.SIG_IGN)
print("up", flush=True)
time.sleep(300)
"""
POLITE = """
import signal, sys, time
def stop(*args):
    print("stopping", flush=True)
    sys.exit(0)
signal.signal(signal.SIGTERM, stop)
print("up", flush=True)
time.sleep(300)
"""


def test_it_stops_every_process_with_sigterm_and_kills_one_that_will_not_stop(
    tmp_path, procfile, env_file
):
    (tmp_path / "stubborn.py").write_text(STUBBORN)
    (tmp_path / "polite.py").write_text(POLITE)
    path = procfile(
        stubborn=f"{sys.executable} {tmp_path / 'stubborn.py'}",
        polite=f"{sys.executable} {tmp_path / 'polite.py'}",
    )
    log = tmp_path / "supervise.log"
    with log.open("wb") as output:
        process = supervise("-f", path, "-e", env_file, "--stop-timeout", "2", output=output)
        assert wait_for(lambda: log.read_text().count("| up") == 2, timeout=30), log.read_text()
        started = time.monotonic()
        assert stopped(process) == 0
    text = log.read_text()
    assert "polite    | stopping" in text
    assert "stubborn did not stop in time: killing it" in text
    assert "polite did not stop" not in text
    assert time.monotonic() - started < 15
    assert "exited with code" not in text  # a process stopped on purpose is not started again


def test_run_replaces_itself_with_one_process_and_its_settings(procfile, env_file):
    path = procfile(hello="sh -c 'echo \"$GREETING on $BIND\" from $$; exit 7'", other="false")

    result = subprocess.run(
        [sys.executable, SUPERVISE, "-f", path, "-e", env_file, "--run", "hello"],
        capture_output=True,
        text=True,
        timeout=30,
    )

    assert result.returncode == 7
    assert result.stdout.startswith("hello there on 127.0.0.1:8123 from ")
    assert result.stderr == ""


def test_a_name_that_is_not_in_the_procfile_is_refused(procfile):
    path = procfile(web="true")
    result = subprocess.run(
        [sys.executable, SUPERVISE, "-f", path, "--run", "wbe"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2
    assert "not in" in result.stderr and "wbe" in result.stderr
