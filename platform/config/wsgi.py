"""WSGI entry point (for tools that need one; the site itself is served over ASGI)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", f"config.settings.{os.environ.get('DJANGO_ENV', 'local')}")

application = get_wsgi_application()
