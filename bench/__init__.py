"""Benchmarks: a generated dataset, the app under gunicorn and a load generator (``make bench``)."""
