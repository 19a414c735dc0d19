import pytest

from renfort.booking.selectors import reference_cache


@pytest.fixture(autouse=True)
def _fresh_reference_cache():
    """The search keeps reference data in memory; a test's rolled-back rows must not leak."""
    reference_cache.clear()
    yield
    reference_cache.clear()
