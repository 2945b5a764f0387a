"""Test settings: the same as local, only faster (fast hasher, in-memory e-mail).

The test run itself starts PostgreSQL and redis-server on loopback and passes their
addresses in DATABASE_URL and REDIS_URL (see tests/services.py); TEST_DB=sqlite runs the
suite on the embedded SQLite default instead.
"""

import sys

if "pytest" in sys.modules:
    # Start PostgreSQL and redis-server for this test run before base settings read
    # DATABASE_URL (pytest-django loads settings before any conftest runs).
    from tests.services import configure

    configure()

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = "test-only-secret-key-rainmaker-0123456789-abcdefghijklmnopqrstuvwxyz"  # noqa: S105 - test-only
DEMO_DATA_ALLOWED = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# Unit tests use process-local cache and channel layer; tests marked `redis` build their
# own clients against the real redis-server from REDIS_URL.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
LOGGING["root"]["level"] = env("LOG_LEVEL", default="WARNING")  # noqa: F405
