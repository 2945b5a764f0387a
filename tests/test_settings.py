"""Settings: embedded defaults with nothing set, production passes `check --deploy`."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLEAN = (
    "DATABASE_URL",
    "REDIS_URL",
    "ELASTICSEARCH_URL",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "EMAIL_URL",
    "DEBUG",
    "DJANGO_SETTINGS_MODULE",
    "DJANGO_ENV",
    "TEST_REDIS_URL",
    "PYTHONPATH",
    # Set by tests/browser/conftest.py for Playwright; `check --deploy` rightly refuses it.
    "DJANGO_ALLOW_ASYNC_UNSAFE",
)

PRINT_SETTINGS = (
    "import json; from django.conf import settings as s;"
    "print(json.dumps({'db': s.DATABASES['default']['ENGINE'], 'db_options': s.DATABASES['default'].get('OPTIONS', {}),"
    "'layer': s.CHANNEL_LAYERS['default']['BACKEND'], 'cache': s.CACHES['default']['BACKEND'],"
    "'email': s.EMAIL_BACKEND, 'debug': s.DEBUG, 'demo': s.DEMO_DATA_ALLOWED, 'es': s.ELASTICSEARCH_URL,"
    "'tasks': s.TASKS['default']['BACKEND']}))"
)


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in CLEAN}
    base.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=base, capture_output=True, text=True, timeout=180
    )


def test_embedded_defaults_with_nothing_set():
    result = manage("shell", "-c", PRINT_SETTINGS)
    assert result.returncode == 0, result.stderr
    s = json.loads(result.stdout.strip().splitlines()[-1])
    assert s["db"] == "django.db.backends.sqlite3"
    assert "journal_mode=WAL" in s["db_options"]["init_command"]
    assert s["layer"] == "channels.layers.InMemoryChannelLayer"
    assert s["cache"] == "django.core.cache.backends.locmem.LocMemCache"
    assert s["email"] == "django.core.mail.backends.console.EmailBackend"
    assert s["tasks"] == "django_tasks_db.DatabaseBackend"
    assert s["debug"] is True and s["demo"] is True
    assert s["es"] == ""
    # Set but empty (a .env template's `DATABASE_URL=`) counts as unset.
    result = manage("shell", "-c", PRINT_SETTINGS, DATABASE_URL="", REDIS_URL="")
    assert result.returncode == 0, result.stderr
    s = json.loads(result.stdout.strip().splitlines()[-1])
    assert s["db"] == "django.db.backends.sqlite3" and s["layer"] == "channels.layers.InMemoryChannelLayer"


def test_environment_selects_the_production_services():
    result = manage(
        "shell",
        "-c",
        PRINT_SETTINGS,
        DATABASE_URL="postgres://u:p@db:5432/rainmaker",
        REDIS_URL="redis://redis:6379/0",
        ELASTICSEARCH_URL="http://es:9200",
        EMAIL_URL="smtp://mail:25",
    )
    assert result.returncode == 0, result.stderr
    s = json.loads(result.stdout.strip().splitlines()[-1])
    assert s["db"] == "django.db.backends.postgresql"
    assert s["layer"] == "channels_redis.core.RedisChannelLayer"
    assert s["cache"] == "django.core.cache.backends.redis.RedisCache"
    assert s["email"] == "django.core.mail.backends.smtp.EmailBackend"
    assert s["es"] == "http://es:9200"


PRODUCTION = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "k3y-" + "q8Zr2Lw9Xv7Nf5Tb1Hc6Jm4Pd0Gs3Ky8Ue2Ai7Oo5Rl9Wn1Ex6" * 2,
    "ALLOWED_HOSTS": "rainmaker.example.com",
    "DATABASE_URL": "postgres://rainmaker:secret@db:5432/rainmaker",
    "REDIS_URL": "redis://redis:6379/0",
    "ELASTICSEARCH_URL": "http://elasticsearch:9200",
}


def test_production_settings_pass_check_deploy_without_warnings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_wildcard_hosts_and_weak_keys():
    result = manage("check", **(PRODUCTION | {"ALLOWED_HOSTS": "*"}))
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr
    result = manage("check", **(PRODUCTION | {"SECRET_KEY": "short"}))
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_its_database_and_redis():
    """Without them the embedded defaults would serve silently (SQLite, in-memory layer and cache)."""
    for name, example in (("DATABASE_URL", "postgres://"), ("REDIS_URL", "redis://")):
        for missing in ({k: v for k, v in PRODUCTION.items() if k != name}, PRODUCTION | {name: ""}):
            result = manage("check", **missing)
            assert result.returncode != 0, name
            assert "ImproperlyConfigured" in result.stderr and f"{name} must be set in production" in result.stderr
            assert example in result.stderr


def test_the_image_build_loads_production_settings():
    """The Dockerfile's collectstatic runs under DJANGO_ENV=production with the variables it sets."""
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^\s*DJANGO_ENV=production", dockerfile, re.MULTILINE)
    run = dockerfile[dockerfile.index("RUN SECRET_KEY=") : dockerfile.index("manage.py collectstatic")]
    build_env = dict(re.findall(r"([A-Z_]+)=(\S+)", run))
    assert {"SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL"} <= set(build_env)
    result = manage("collectstatic", "--noinput", "--dry-run", DJANGO_ENV="production", **build_env)
    assert result.returncode == 0, result.stderr
    assert "static files copied" in result.stdout


def test_production_never_creates_demo_sign_ins():
    result = manage("seed_demo", **PRODUCTION)
    assert result.returncode != 0
    assert "Demo data is disabled" in result.stderr
