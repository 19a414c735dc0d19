"""Races on PostgreSQL: run the same use case in several threads released together (each with
its own connection), and collect what each one got — its result or its exception."""

import threading

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


def errors(results: list) -> list:
    """What went wrong other than a refusal the user reads (a 500 in production)."""
    from django.core.exceptions import PermissionDenied, ValidationError

    return [
        r
        for r in results
        if isinstance(r, Exception) and not isinstance(r, ValidationError | PermissionDenied)
    ]
