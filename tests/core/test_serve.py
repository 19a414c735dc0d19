import io

import pytest

from renfort.core.management.commands.serve import (
    QUIET_SECONDS,
    WAIT_SECONDS,
    Command,
    server_env,
    wait_for_first_pass,
)


def test_links_point_to_the_address_served():
    env = server_env("127.0.0.1:8101", {"PATH": "/usr/bin"})
    assert env == {"RENFORT_BASE_URL": "http://127.0.0.1:8101", "PATH": "/usr/bin"}


def test_an_explicit_base_url_wins():
    env = server_env("127.0.0.1:8101", {"RENFORT_BASE_URL": "https://renfort.example.gouv.fr"})
    assert env["RENFORT_BASE_URL"] == "https://renfort.example.gouv.fr"


class FakeClock:
    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_the_address_waits_for_the_worker_to_empty_the_queue():
    clock = FakeClock()
    queue = iter([5, 3, 1, 0, 0, 2, 0])  # the periodic pass adds tasks after a first lull
    waiting = lambda: next(queue, 0)  # noqa: E731
    wait_for_first_pass(alive=lambda: True, waiting=waiting, clock=clock, sleep=clock.sleep)
    # Returned once the queue had stayed empty QUIET_SECONDS after its last task.
    assert 5 * 0.25 + QUIET_SECONDS <= clock.now < 5 * 0.25 + QUIET_SECONDS + 0.5


def test_the_address_is_never_held_back_long_nor_when_a_process_stopped():
    clock = FakeClock()
    wait_for_first_pass(alive=lambda: True, waiting=lambda: 1, clock=clock, sleep=clock.sleep)
    assert WAIT_SECONDS <= clock.now < WAIT_SECONDS + 1
    clock = FakeClock()
    wait_for_first_pass(alive=lambda: False, waiting=lambda: 1, clock=clock, sleep=clock.sleep)
    assert clock.now == 0


@pytest.mark.django_db
def test_the_accounts_and_the_address_come_last(settings):
    from renfort.accounts.demo import generate

    generate(rng=None, stdout=io.StringIO())
    settings.EMAIL_BACKEND = "renfort.notifications.devmail.FileEmailBackend"
    settings.EMAIL_FILE_PATH = settings.BASE_DIR / "var" / "emails"
    command = Command(stdout=io.StringIO())
    command._announce("127.0.0.1:8011")
    lines = command.stdout._out.getvalue().splitlines()
    assert "mot de passe commun" in lines[1]
    assert any("ars.hauts-de-france@demo.renfort.example" in line for line in lines)
    assert "Courriels : var/emails/ (un fichier .eml par courriel)" in lines
    assert lines[-1] == "Renfort : http://127.0.0.1:8011/ (Ctrl-C pour arrêter)"
