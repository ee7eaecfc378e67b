"""Benchmarks and evaluations; each runs as a script: `.venv/bin/python bench/<name>.py`."""
