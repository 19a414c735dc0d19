"""Periodic jobs (`manage.py periodic`, started by `serve`): each command at its interval, a
failing one never stops the others."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from renfort.core.periodic import Job, configured_jobs, run_due, run_job
from renfort.notifications.models import Channel, Notification, Status


def test_jobs_run_at_once_then_at_their_interval():
    jobs = [Job("a", 60), Job("b", 300)]
    runs, due = [], {}

    def run(job):
        runs.append(job.command)
        return True, "ok"

    def report(job, ok, text):
        pass

    assert run_due(jobs, due, 1000.0, report, run) == 1060.0
    assert runs == ["a", "b"]
    assert run_due(jobs, due, 1059.0, report, run) == 1060.0
    assert runs == ["a", "b"]
    assert run_due(jobs, due, 1060.0, report, run) == 1120.0
    assert runs == ["a", "b", "a"]
    run_due(jobs, due, 1300.0, report, run)
    assert runs == ["a", "b", "a", "a", "b"]


def test_a_failing_job_is_reported_and_the_others_run():
    reports = []
    run_due(
        [Job("no_such_command", 60), Job("check", 60)],
        {},
        0.0,
        lambda job, ok, text: reports.append((job.command, ok, text)),
    )
    assert [(command, ok) for command, ok, _ in reports] == [
        ("no_such_command", False),
        ("check", True),
    ]
    assert "no_such_command" in reports[0][2]


def test_the_default_jobs_are_the_cron_commands():
    assert {job.command for job in configured_jobs()} == {
        "send_reminders",
        "process_waiting_list",
        "retry_notifications",
        "purge_appointments",
        "purge_unconfirmed_signups",
    }
    for job in configured_jobs():
        assert job.every_seconds > 0


@pytest.mark.django_db
def test_one_pass_runs_every_job(capsys):
    failed = Notification.objects.create(
        kind="site_status",
        channel=Channel.EMAIL,
        recipient="gestion@exemple.test",
        body="x",
        status=Status.FAILED,
        attempts=1,
    )
    Notification.objects.filter(pk=failed.pk).update(
        created_at=timezone.now() - timedelta(minutes=10)
    )
    call_command("periodic", "--once")
    out = capsys.readouterr().out
    for command in ("send_reminders", "process_waiting_list", "retry_notifications"):
        assert f"{command} : " in out
    assert "1 notification remise en file d'envoi." in out
    failed.refresh_from_db()  # the tests run tasks at once: the retry delivered it
    assert failed.status == Status.SENT and failed.attempts == 2


@pytest.mark.django_db
@override_settings(RENFORT_PERIODIC_JOBS=[])
def test_nothing_configured(capsys):
    call_command("periodic", "--once")
    assert "Aucune tâche périodique" in capsys.readouterr().out


def test_run_job_returns_the_last_line():
    ok, text = run_job(Job("check", 60))
    assert ok and "System check identified no issues" in text
