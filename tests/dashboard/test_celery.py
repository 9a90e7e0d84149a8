import pytest
from django.conf import settings

from dashboard.models import WorkerHeartbeat
from tests.processes import smmdash_env, wait_for


@pytest.mark.django_db(transaction=True)
def test_beat_and_a_real_worker_record_heartbeats(processes, tmp_path):
    """`celery beat` schedules the heartbeat and a real `celery worker` runs it,
    on the broker this run is configured with (files, or Redis)."""
    env = smmdash_env(
        WORKER_HEARTBEAT_SECONDS=1,
        CELERY_FILESYSTEM_BROKER_DIR=tmp_path / "broker",
        CELERY_BEAT_SCHEDULE_FILENAME=tmp_path / "beat-schedule",
    )
    processes.celery("worker", "worker", "--pool=solo", "--hostname=test-worker@%h", env=env)
    processes.celery("beat", "beat", "--loglevel=INFO", env=env)

    beat = wait_for(lambda: WorkerHeartbeat.objects.first(), timeout=45)

    assert beat is not None, (
        f"no heartbeat on {settings.CELERY_BROKER_URL}\n"
        f"--- worker ---\n{processes.log('worker')}\n--- beat ---\n{processes.log('beat')}"
    )
    assert beat.hostname.startswith("test-worker@")
    assert "Sending due task worker-heartbeat" in processes.log("beat")
