"""Benchmarks and evaluations; each script runs on its own (python bench/NAME.py)."""
