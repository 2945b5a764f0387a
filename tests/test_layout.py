"""The `platform/` folder must never shadow Python's standard `platform` module."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _run(code: str, cwd: Path = ROOT, extra_path: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = extra_path or f"{ROOT / 'platform'}{os.pathsep}{ROOT}"
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True, text=True, timeout=60)


def test_platform_folder_is_not_a_package():
    assert (ROOT / "platform").is_dir()
    assert not (ROOT / "platform" / "__init__.py").exists()


def test_import_platform_gives_the_standard_library_in_a_fresh_interpreter():
    """pytest itself imports the standard module, so only a subprocess can prove this."""
    result = _run("import uuid, platform, sys; print(platform.__file__); print(platform.system()); uuid.uuid4()")
    assert result.returncode == 0, result.stderr
    module_file = result.stdout.splitlines()[0]
    assert "platform" in module_file and str(ROOT) not in module_file
    assert result.stdout.splitlines()[1]  # e.g. "Linux"


def test_django_setup_keeps_the_standard_platform_module():
    code = (
        "import os, django; os.environ['DJANGO_SETTINGS_MODULE'] = 'config.settings.test'; django.setup();"
        "import platform, uuid; assert hasattr(platform, 'system'), platform; print(uuid.uuid4())"
    )
    result = _run(code)
    assert result.returncode == 0, result.stderr


def test_manage_py_works_from_the_repo_root():
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "DJANGO_SETTINGS_MODULE")}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", "import platform; print(platform.python_version())"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].startswith("3.11")
