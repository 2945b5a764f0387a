"""The site's own JavaScript (static/js), run under plain Node with a few lines of fake DOM
(tests/js/fake_dom.js): no jsdom, no npm package, no browser. Skipped where Node is missing."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

HERE = Path(__file__).parent
SCRIPTS = sorted(HERE.glob("*.test.js"))
NODE = shutil.which("node") or shutil.which("nodejs")


@pytest.mark.skipif(NODE is None, reason="Node.js is not installed")
@pytest.mark.parametrize("script", SCRIPTS, ids=[s.name for s in SCRIPTS])
def test_script(script: Path) -> None:
    result = subprocess.run([NODE, str(script)], capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
