"""Races on PostgreSQL: run the same use case in several threads released together (each with
its own connection), and collect what each one got — its result or its exception."""

import threading
import time

from django.db import connection


def race(*targets, count: int = 0) -> list:
    """Run each target in its own thread (or the one target `count` times), all released
    together by a barrier; return their results or exceptions, in the order of the targets."""
    if count:
        targets = targets * count
    barrier = threading.Barrier(len(targets))
    results: list = [None] * len(targets)

    def run(index: int) -> None:
        try:
            barrier.wait()
            results[index] = targets[index]()
        except Exception as exc:  # noqa: BLE001 — the test inspects what each thread got
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(targets))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def pause_in(
    monkeypatch, module, name: str, *, before: bool = False, seconds: float = 1.5
) -> threading.Event:
    """Wrap module.<name> so that its first call (whichever thread gets there first) stops
    for `seconds`, holding that thread's locks, before or after running; return the event set
    when it stops (see `after`). A race can then be played in a given order: the thread of
    `after` acts while the other one holds its locks."""
    original = getattr(module, name)
    guard, stopped = threading.Lock(), threading.Event()
    first = [True]

    def wrapper(*args, **kwargs):
        with guard:
            hold, first[0] = first[0], False
        if hold and before:
            stopped.set()
            time.sleep(seconds)
        result = original(*args, **kwargs)
        if hold and not before:
            stopped.set()
            time.sleep(seconds)
        return result

    monkeypatch.setattr(module, name, wrapper)
    return stopped


def after(stopped: threading.Event, target):
    """`target`, started once the thread paused by `pause_in` has stopped (for `race`)."""

    def run():
        stopped.wait(10)
        return target()

    return run


def errors(results: list) -> list:
    """What went wrong other than a refusal the user reads (a 500 in production)."""
    from django.core.exceptions import PermissionDenied, ValidationError

    return [
        r
        for r in results
        if isinstance(r, Exception) and not isinstance(r, ValidationError | PermissionDenied)
    ]
