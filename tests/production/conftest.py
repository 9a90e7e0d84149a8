import shutil
import subprocess
import time

import pytest

from tests.processes import free_port


class RedisServer:
    """A redis-server of the test's own on a free port, on an append-only file in a folder of
    the test's, so that it can be stopped and started again as an operator (or a crash)
    would, without touching the Redis other tests use."""

    def __init__(self, folder):
        self.port, self.folder = free_port(), folder
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def cli(self, *args) -> str:
        command = ["redis-cli", "-p", str(self.port), *args]
        return subprocess.run(command, capture_output=True, text=True, timeout=30).stdout.strip()

    def start(self):
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
        on_file = ["--dir", str(self.folder), "--appendonly", "yes", "--daemonize", "yes"]
        subprocess.run([*command, *on_file, "--logfile", str(self.folder / "log")], check=True)
        self._wait_until(lambda: self.cli("ping") == "PONG")

    def stop(self):
        # SHUTDOWN writes the append-only file out first, as `systemctl stop redis` does.
        self.cli("shutdown")
        self._wait_until(lambda: self.cli("ping") != "PONG")

    @staticmethod
    def _wait_until(condition, timeout=30):
        deadline = time.monotonic() + timeout
        while not condition():
            assert time.monotonic() < deadline, "redis-server did not start or stop in time"
            time.sleep(0.05)


@pytest.fixture
def redis_server(tmp_path):
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    folder = tmp_path / "redis"
    folder.mkdir()
    server = RedisServer(folder)
    server.start()
    yield server
    server.cli("shutdown", "nosave")
