"""scripts/test.sh (make test): on a laptop without npm or Chromium the browser journeys are
skipped with the reason; with CI=true or REQUIRE_SERVICES=1 that is a failure."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "test.sh"


@pytest.fixture
def run(tmp_path):
    """Run a copy of the script in an empty checkout whose PATH has no npm (only `dirname`)."""
    (tmp_path / "scripts").mkdir()
    shutil.copy(SCRIPT, tmp_path / "scripts" / "test.sh")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "dirname").symlink_to(shutil.which("dirname"))
    chromium = tmp_path / "chromium"
    chromium.write_text("")

    def go(*args: str, chromium_present: bool = True, **env: str) -> subprocess.CompletedProcess:
        base = {k: v for k, v in os.environ.items() if k not in ("CI", "REQUIRE_SERVICES")}
        base |= {"PATH": str(bin_dir), "CHROMIUM": str(chromium if chromium_present else tmp_path / "none")} | env
        return subprocess.run(
            [shutil.which("bash"), str(tmp_path / "scripts" / "test.sh"), *args],
            env=base,
            capture_output=True,
            text=True,
            timeout=30,
        )

    return go


def test_without_npm_the_browser_stage_is_skipped_with_the_reason(run):
    result = run("browser")
    assert result.returncode == 0, result.stderr
    assert "browser journeys SKIPPED: npm not found" in result.stdout


def test_without_chromium_the_browser_stage_is_skipped_with_the_reason(run):
    result = run("browser", chromium_present=False)
    assert result.returncode == 0, result.stderr
    assert "browser journeys SKIPPED: Chromium not found at" in result.stdout


@pytest.mark.parametrize("env", [{"CI": "true"}, {"REQUIRE_SERVICES": "1"}])
def test_in_ci_a_missing_browser_dependency_fails(run, env):
    for chromium_present, what in ((True, "npm not found"), (False, "Chromium not found")):
        result = run("browser", chromium_present=chromium_present, **env)
        assert result.returncode == 1
        assert what in result.stderr and "CI must run them" in result.stderr


def test_the_whole_run_ends_with_the_same_browser_stage():
    script = SCRIPT.read_text()
    tail = script[script.index('echo "== database suite on SQLite') :]
    assert "if browser_ready; then" in tail and "install_axe" in tail
    # .ci/run installs what the stage needs, so CI never skips it.
    ci = (ROOT / ".ci" / "run").read_text()
    assert "CI=true" in ci and "need+=(chromium)" in ci and "need+=(nodejs npm)" in ci
