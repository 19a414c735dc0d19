"""Concurrent writes (PostgreSQL only): a double-clicked sign-up and a double transition."""

import threading
import uuid
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from renfort.accounts.models import User
from renfort.accounts.services import confirmation_link_check
from renfort.doctors import services
from renfort.doctors.models import Doctor, DoctorHistory
from renfort.doctors.services import AvailabilityEntry
from renfort.notifications.models import Notification
from tests.concurrency import errors, race
from tests.confirmation import LINK
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


def test_the_same_sign_up_sent_six_times_at_once_with_new_forms_sends_one_working_link(
    on_postgres, reference_data
):
    """Six tabs, six tokens, one address: one account, its confirmation and one reminder of
    it (both links work: the account is the same); never « vous avez déjà un compte »."""
    albi, email = commune("81004"), "six@test.renfort.example"
    day = timezone.localdate() + timedelta(days=5)

    def submit():
        return services.doctor_signup(
            token=uuid.uuid4(),
            email=email,
            password="Un-mot-de-passe-solide-42",
            data=valid_data(),
            practice_commune=albi,
            availabilities=[AvailabilityEntry(day)],
        )

    results = race(submit, count=6)
    assert not errors(results), results
    user = User.objects.get(email=email)
    assert Doctor.objects.get().user == user
    assert {doctor.pk for doctor, _ in results} == {user.doctor.pk}
    sent = Notification.objects.filter(recipient=email)
    assert sorted(sent.values_list("kind", flat=True)) == ["account_confirmation"] * 2
    for mail in sent:  # each link opens this very account
        _, uidb64, token = LINK.search(mail.body).groups()
        assert confirmation_link_check(uidb64=uidb64, token=token) == user


def test_concurrent_same_transition_happens_once(on_postgres, reference_data):
    doctor = DoctorFactory(in_landes=True, submitted=True)
    agent = UserFactory(cdom=True)

    def notify():
        return services.doctor_transition(doctor=doctor, actor=agent, to_status="cdom_notified")

    results = run_together(notify)
    assert sum(isinstance(r, Doctor) for r in results) == 1
    assert sum(isinstance(r, ValidationError) for r in results) == 1
    assert DoctorHistory.objects.filter(doctor=doctor, to_status="cdom_notified").count() == 1


@pytest.mark.parametrize(
    "periods, final, outcomes",
    [
        (("morning", "afternoon") * 3, "full", ["added"] + ["unchanged"] * 4 + ["widened"]),
        (("full",) * 6, "full", ["added"] + ["unchanged"] * 5),
    ],
)
def test_the_same_date_added_from_two_tabs_at_once(
    on_postgres, reference_data, periods, final, outcomes
):
    """Morning and afternoon from two tabs (three times each) make a full day; the same date
    sent six times is kept once; never an error page."""
    doctor = DoctorFactory()
    day = timezone.localdate() + timedelta(days=9)

    def add(period):
        return lambda: services.availability_add(
            doctor=doctor, actor=doctor.user, day=day, period=period
        )

    results = race(*(add(p) for p in periods))
    assert not errors(results), results
    assert sorted(outcome for _, outcome in results) == outcomes
    assert list(doctor.availabilities.values_list("date", "period")) == [(day, final)]
