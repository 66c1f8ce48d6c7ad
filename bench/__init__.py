"""Kontor's benchmarks: `make bench` (see bench/README.md). Measurements, never timed tests."""
