"""Concurrent writes (PostgreSQL only): a double-clicked sign-up and a double transition."""

import threading
import uuid
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from renfort.accounts.models import User
from renfort.doctors import services
from renfort.doctors.models import Doctor, DoctorHistory
from renfort.doctors.services import AvailabilityEntry
from tests.factories import UserFactory, commune

from .factories import DoctorFactory
from .test_services import valid_data

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_together(target, count=2):
    barrier = threading.Barrier(count)
    results = []

    def worker():
        barrier.wait()
        try:
            results.append(target())
        except Exception as exc:  # noqa: BLE001 - collected for the assertions
            results.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_concurrent_double_signup_creates_one_doctor(on_postgres, reference_data):
    token = uuid.uuid4()
    albi = commune("81004")

    def submit():
        return services.doctor_signup(
            token=token,
            email="double@test.renfort.example",
            password="Un-mot-de-passe-solide-42",
            data=valid_data(),
            practice_commune=albi,
            availabilities=[AvailabilityEntry(timezone.localdate() + timedelta(days=5))],
        )

    results = run_together(submit)
    assert all(isinstance(r, tuple) for r in results), results
    assert sorted(created for _, created in results) == [False, True]
    assert Doctor.objects.count() == 1 and User.objects.count() == 1


def test_concurrent_same_transition_happens_once(on_postgres, reference_data):
    doctor = DoctorFactory(in_landes=True, submitted=True)
    agent = UserFactory(cdom=True)

    def notify():
        return services.doctor_transition(doctor=doctor, actor=agent, to_status="cdom_notified")

    results = run_together(notify)
    assert sum(isinstance(r, Doctor) for r in results) == 1
    assert sum(isinstance(r, ValidationError) for r in results) == 1
    assert DoctorHistory.objects.filter(doctor=doctor, to_status="cdom_notified").count() == 1
