"""Run the benchmarks: `python -m bench [name ...]`."""

from __future__ import annotations

import importlib
import json
import os
import pkgutil
import sys
import time
from pathlib import Path

import django

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    sys.path[:0] = [str(HERE.parent / "platform"), str(HERE.parent)]
    django.setup()
    names = argv or sorted(m.name for m in pkgutil.iter_modules([str(HERE)]) if m.name.startswith("bench_"))
    if not names:
        print("No benchmarks yet.")
        return 0
    results_dir = HERE / "results"
    results_dir.mkdir(exist_ok=True)
    for name in names:
        module = importlib.import_module(f"bench.{name if name.startswith('bench_') else 'bench_' + name}")
        print(f"== {module.__name__}: {(module.__doc__ or '').strip().splitlines()[0]}")
        started = time.perf_counter()
        result = module.main() or {}
        result["wall_seconds"] = round(time.perf_counter() - started, 3)
        (results_dir / f"{module.__name__.split('.')[-1]}.json").write_text(json.dumps(result, indent=2, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
