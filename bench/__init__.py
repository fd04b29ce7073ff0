"""Benchmarks: each module prints JSON; run with `python -m bench.<name>`."""
