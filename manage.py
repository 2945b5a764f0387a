#!/usr/bin/env python
"""Django's command-line utility for Rainmaker.

`platform/` is a source root, not a package: Python's standard library owns the
name `platform` (uuid imports it), so the site's packages (`config`, `accounts`,
...) live inside that folder and this script puts the folder on `sys.path`.
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent


def main() -> None:
    sys.path.insert(0, str(ROOT / "platform"))
    sys.path.insert(0, str(ROOT))
    env = os.environ.get("DJANGO_ENV", "local")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", f"config.settings.{env}")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
