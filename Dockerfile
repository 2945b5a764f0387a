# The web, worker and migrate image. Production settings (DJANGO_ENV=production); the
# commands below are the ones the Makefile and the tests use.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PYTHONPATH=/app/platform:/app \
    DJANGO_ENV=production \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
RUN groupadd --system app && useradd --system --gid app --home /app app

COPY requirements.txt ./
RUN pip install --no-cache-dir -r requirements.txt

COPY . .
# Static files are collected at build time (whitenoise serves them, compressed and hashed).
# /app/media (MEDIA_ROOT, where compose mounts the `media` volume) belongs to the app user, so
# a new named volume starts with that owner and uploads can be written.
# Production settings refuse to load without their services; the build only needs their
# names (collectstatic connects to neither), compose passes the real ones at run time.
RUN SECRET_KEY=build-only-not-used-at-runtime-0123456789abcdefghijklmnopqrstuvwxyz \
    ALLOWED_HOSTS=build.invalid \
    DATABASE_URL=postgres://build:build@build.invalid:5432/build \
    REDIS_URL=redis://build.invalid:6379/0 \
    python manage.py collectstatic --noinput \
    && mkdir -p /app/media \
    && chown -R app:app /app

USER app
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=5s --retries=5 CMD ["python", "scripts/healthcheck.py", "/healthz"]
CMD ["daphne", "-b", "0.0.0.0", "-p", "8000", "--proxy-headers", "config.asgi:application"]
