"""What can be checked of the deployment without a Docker engine (none runs on our machines):
the compose file parses and wires the services, and the image runs the commands we test."""

import re
from pathlib import Path

import yaml
from django.core.management import get_commands
from django.urls import resolve

ROOT = Path(__file__).resolve().parents[1]
# `manage.py migrate` in a shell line or a Makefile, `"manage.py", "migrate"` in a list form.
MANAGE_COMMAND = re.compile(r"""manage\.py["']?\s*,?\s*["']?([a-z_][a-z0-9_]*)""")


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def as_text(command) -> str:
    """A compose command or health-check test (a list or a string) as one line."""
    return " ".join(command) if isinstance(command, list) else str(command)


def test_compose_defines_the_production_services_with_health_checks():
    services = compose()["services"]
    assert {"web", "worker", "migrate", "db", "redis", "elasticsearch"} <= set(services)
    for name in ("web", "db", "redis", "elasticsearch"):
        assert "healthcheck" in services[name], name
    assert set(compose()["volumes"]) >= {"pgdata", "redisdata", "esdata"}
    assert services["web"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"


def test_compose_passes_every_setting_by_environment():
    env = compose()["services"]["web"]["environment"]
    for key in ("DATABASE_URL", "REDIS_URL", "ELASTICSEARCH_URL", "SECRET_KEY", "ALLOWED_HOSTS", "EMAIL_URL", "DEBUG"):
        assert key in env, key
    assert env["DJANGO_ENV"] == "production"
    assert "*" not in env["ALLOWED_HOSTS"]


def test_image_and_compose_run_commands_that_exist():
    dockerfile = (ROOT / "Dockerfile").read_text()
    makefile = (ROOT / "Makefile").read_text()
    asgi = "config.asgi:application"
    assert asgi in dockerfile and asgi in makefile and asgi in " ".join(compose()["services"]["web"]["command"])
    commands = get_commands()
    used = set(MANAGE_COMMAND.findall(dockerfile + makefile + (ROOT / "docker-compose.yml").read_text()))
    # Every place that runs one: the image build, `make run`, the migrate, worker and health-check commands.
    assert {"collectstatic", "migrate", "seed_demo", "schedule_periodic", "db_worker", "check_ready"} <= used, used
    assert used <= set(commands), used - set(commands)


def test_the_command_pattern_reads_shell_and_list_forms():
    text = 'python manage.py migrate --noinput\n["python", "manage.py", "check_ready"]\n[\'manage.py\',\'db_worker\']'
    assert MANAGE_COMMAND.findall(text) == ["migrate", "check_ready", "db_worker"]


def test_every_service_health_check_fits_what_the_service_does():
    services = compose()["services"]
    dockerfile = (ROOT / "Dockerfile").read_text()
    # The image's own HEALTHCHECK asks the web server; only the web service serves it.
    assert re.search(r"HEALTHCHECK .*scripts/healthcheck\.py\", \"/healthz\"", dockerfile)
    assert "pg_isready -U rainmaker -d rainmaker" in as_text(services["db"]["healthcheck"]["test"])
    assert as_text(services["redis"]["healthcheck"]["test"]) == "CMD redis-cli ping"
    assert "localhost:9200/_cluster/health" in as_text(services["elasticsearch"]["healthcheck"]["test"])
    # web: readiness over HTTP on the port daphne listens on, at a path the site serves.
    web = services["web"]
    web_test = web["healthcheck"]["test"]
    assert web_test[:3] == ["CMD", "python", "scripts/healthcheck.py"]
    assert resolve(web_test[3]).url_name == "readyz"
    assert "-p 8000" in as_text(web["command"]) and "127.0.0.1:8000" in (ROOT / "scripts/healthcheck.py").read_text()
    # worker: no HTTP server, so no HTTP check; the same readiness checks run in its own process.
    worker = services["worker"]
    assert "daphne" not in as_text(worker["command"]) and "db_worker" in as_text(worker["command"])
    assert worker["healthcheck"]["test"] == ["CMD", "python", "manage.py", "check_ready"]
    # migrate: one shot, so no health check at all (it would only ever report "starting").
    migrate = services["migrate"]
    assert migrate["healthcheck"] == {"disable": True} and migrate["restart"] == "no"
    # Whatever runs the image without serving HTTP must not inherit the image's web check.
    for name, service in services.items():
        if "build" in service and "daphne" not in as_text(service["command"]):
            check = service.get("healthcheck", {})
            assert check.get("disable") or "healthcheck.py" not in as_text(check.get("test", "")), name
            assert check, f"{name} would inherit the image's /healthz check"
    for name, service in services.items():
        check = service["healthcheck"]
        if not check.get("disable"):
            assert check["test"][0] in ("CMD", "CMD-SHELL") and check["interval"] and check["retries"], name


def test_healthcheck_script_exists():
    assert (ROOT / "scripts" / "healthcheck.py").exists()


def test_the_media_volume_is_mounted_where_the_image_made_it_the_app_users():
    """A new named volume copies the ownership of the image's folder: it must be the app user's."""
    from django.conf import settings

    dockerfile = (ROOT / "Dockerfile").read_text()
    setup = dockerfile[dockerfile.index("mkdir -p /app/media") :]
    assert "chown -R app:app /app" in setup.split("USER app")[0]
    assert dockerfile.index("mkdir -p /app/media") < dockerfile.index("USER app")
    assert "WORKDIR /app" in dockerfile and Path(settings.MEDIA_ROOT) == settings.BASE_DIR / "media"
    services = compose()["services"]
    for name in ("web", "worker"):
        assert "media:/app/media" in services[name]["volumes"], name
    assert "media" in compose()["volumes"]


def _requirement_name(line: str) -> str:
    return re.split(r"[<>=!~\[;\s#]", line.strip(), maxsplit=1)[0].lower().replace("_", "-")


def test_every_direct_dependency_is_declared_and_pinned_by_the_lock():
    """requirements.in names what the code imports; requirements.txt (pip-compile) pins each one
    and says it comes from requirements.in, so the lock and its source agree."""
    declared = {
        _requirement_name(line)
        for line in (ROOT / "requirements.in").read_text().splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    }
    # Imported by the project itself, not only through Wagtail (the API is django-ninja).
    assert {"django", "wagtail", "django-ninja", "channels", "django-tasks-db", "elasticsearch"} <= declared
    lock = (ROOT / "requirements.txt").read_text()
    pinned = re.findall(r"^([A-Za-z0-9_.\-]+)==\S+\n((?:    #.*\n)*)", lock, re.MULTILINE)
    via = {name.lower().replace("_", "-"): comments for name, comments in pinned}
    for name in declared:
        assert name in via, f"{name} is in requirements.in but not pinned in requirements.txt"
        assert "-r requirements.in" in via[name], f"requirements.txt does not say {name} comes from requirements.in"
