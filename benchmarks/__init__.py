"""Benchmarks of kg against its baselines: `python -m benchmarks.run` (see README.md)."""
