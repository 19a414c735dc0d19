"""`manage.py worker` (started by `make run`): db_worker without a line per task that went
well, but with the failures."""

import io
import logging

import pytest
from django.core.management import call_command
from django.test import override_settings
from django_tasks import task

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@task()
def succeeds() -> int:
    return 1


@task()
def fails() -> None:
    raise RuntimeError("panne simulée")


def _task_records(caplog, command: str) -> list[logging.LogRecord]:
    caplog.clear()
    with caplog.at_level(logging.DEBUG):
        call_command(command, "--batch", "--no-startup-delay", stdout=io.StringIO())
    return [r for r in caplog.records if r.name.startswith("django_tasks")]


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_TASKS)
def test_the_worker_shows_failed_tasks_only(caplog):
    succeeds.enqueue()
    noisy = _task_records(caplog, "db_worker")
    assert any("state=SUCCESSFUL" in r.getMessage() for r in noisy)  # what it spares
    succeeds.enqueue()
    assert _task_records(caplog, "worker") == []
    fails.enqueue()
    failed = _task_records(caplog, "worker")
    assert [r.levelno for r in failed] == [logging.ERROR]
    assert "state=FAILED" in failed[0].getMessage() and "panne simulée" in caplog.text
