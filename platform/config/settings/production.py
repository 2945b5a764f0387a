"""Production: PostgreSQL, Redis, Elasticsearch, real e-mail; passes `check --deploy`.

Selected with DJANGO_ENV=production (manage.py) or DJANGO_SETTINGS_MODULE. Required (start-up
refuses without them): SECRET_KEY, ALLOWED_HOSTS (never "*": it would void the WebSocket
origin check), DATABASE_URL and REDIS_URL (the channel layer and cache that every process
shares). ELASTICSEARCH_URL selects the Elasticsearch search backend (the database index
serves without it).
"""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import ALLOWED_HOSTS, REDIS_URL, SECRET_KEY, env

DEBUG = False
DEMO_DATA_ALLOWED = False

if not SECRET_KEY or len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
    raise ImproperlyConfigured("SECRET_KEY must be set to a random string of 50+ characters.")
if not ALLOWED_HOSTS or "*" in ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "ALLOWED_HOSTS must list the site's host names; '*' is refused because it would "
        "disable the WebSocket origin check."
    )
# Without these the embedded defaults would serve silently: a SQLite file inside the
# container, and an in-memory channel layer and cache that the web server and the worker do
# not share (live updates and pushes from tasks would never arrive).
if not env("DATABASE_URL", default=""):
    raise ImproperlyConfigured(
        "DATABASE_URL must be set in production, e.g. postgres://user:password@host:5432/rainmaker."
    )
if not REDIS_URL:
    raise ImproperlyConfigured(
        "REDIS_URL must be set in production, e.g. redis://host:6379/0: the channel layer and the "
        "cache must be shared by the web server and the worker."
    )

# HTTPS everywhere; the proxy in front terminates TLS and says so in X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
