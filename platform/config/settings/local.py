"""The embedded default: `make run` on a laptop. Demo data allowed, DEBUG on."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env("SECRET_KEY", default="local-only-not-secret-rainmaker-key-change-me-in-production")
DEMO_DATA_ALLOWED = env.bool("DEMO_DATA_ALLOWED", default=True)
# Static files straight from the source folders, no collectstatic needed locally.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
