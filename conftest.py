"""Root conftest. The test services (PostgreSQL, redis-server) are started by
config.settings.test, which pytest-django imports before any conftest."""

pytest_plugins = ["tests.plugin"]
