"""Benchmarks: performance targets live here, never in timed unit tests.

Run them all with `make bench` (or `python -m bench NAME` for one). Each `bench_*.py`
module has a `main()` that prints its measurements and returns a dict of them; results are
also written to bench/results/ (git-ignored).
"""
