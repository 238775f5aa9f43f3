import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_rate_limits(settings):
    """allauth counts attempts per IP in the cache, and every test client is 127.0.0.1: each test
    gets an empty in-memory cache so one test's failed logins never trip another's limit. (Not a
    flush of the real cache: under `make test` that is the Redis the Celery tests also use.)"""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "ceutrack-accounts-tests",
        }
    }
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # These tests sign up and sign in dozens of times; the production hasher costs ~0.3 s each.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
