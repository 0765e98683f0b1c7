import pytest


@pytest.fixture(autouse=True)
def _fixed_today(settings):
    """Bands and ages are computed against a fixed day in tests."""
    settings.COURTDASH_TODAY = "2025-06-30"
    settings.SECURE = False
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.SECURE_SSL_REDIRECT = False
