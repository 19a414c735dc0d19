"""Deterministic demo data. Each app may add a `demo.py` with `generate(*, rng, stdout)`,
called in the order below, and optionally `logins()` returning (email, description) pairs of
demo accounts to print (read-only)."""

import importlib
import random

DEMO_SEED = 2026
DEMO_MODULES = [
    "renfort.accounts.demo",
    "renfort.sites.demo",
    "renfort.doctors.demo",
    "renfort.planning.demo",
    "renfort.planning.demo_doctor",
    "renfort.booking.demo_doctor",
    "renfort.booking.demo",
]


def demo_modules():
    for name in DEMO_MODULES:
        try:
            yield importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise


def demo_generate(*, stdout, seed: int = DEMO_SEED) -> None:
    for module in demo_modules():
        rng = random.Random(f"{seed}:{module.__name__}")
        module.generate(rng=rng, stdout=stdout)


def demo_logins() -> list[tuple[str, str]]:
    logins: list[tuple[str, str]] = []
    for module in demo_modules():
        if hasattr(module, "logins"):
            logins.extend(module.logins())
    return logins
