"""What can be checked of the deployment without a Docker engine (none runs on our machines):
the compose file parses and wires the services, and the image runs the commands we test."""

import re
from pathlib import Path

import yaml
from django.core.management import get_commands

ROOT = Path(__file__).resolve().parents[1]


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


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
    used = set(re.findall(r"manage\.py (\w+)", dockerfile + makefile + (ROOT / "docker-compose.yml").read_text()))
    assert used, "expected manage.py commands"
    assert used <= set(commands), used - set(commands)


def test_healthcheck_script_exists():
    assert (ROOT / "scripts" / "healthcheck.py").exists()
