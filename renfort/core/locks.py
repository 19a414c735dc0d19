"""Locks on names, for rows that do not exist yet (a row lock needs a row): the address about
to get its account, the month and region about to get its calculation.

PostgreSQL advisory locks, held until the end of the transaction: a second request with the same
name waits for the first to commit, then sees what it created. Elsewhere (SQLite: tests,
development) nothing is locked: SQLite serialises the writes anyway. The database constraints
stay the backstop."""

import hashlib

from django.db import connection


def _key(name: str) -> int:
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


def name_lock(*names: str) -> None:
    """Lock these names until the end of the current transaction (taken in key order, in one
    statement, like booking's contact locks: two callers never wait for each other in a
    cycle). Taking a name already held by the same transaction returns at once."""
    if connection.vendor != "postgresql" or not names:
        return
    if not connection.in_atomic_block:
        raise RuntimeError("name_lock() needs a transaction (transaction.atomic).")
    keys = sorted({_key(name) for name in names})
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(["pg_advisory_xact_lock(%s)"] * len(keys)), keys)


def email_lock(email: str) -> None:
    """Serialise whatever creates or replaces the account of this address (sign-ups, site
    declarations): the second request sees the account the first one created."""
    name_lock(f"account-email:{email.strip().lower()}")
