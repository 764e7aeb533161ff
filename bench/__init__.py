"""Benchmarks and load harnesses (not tests)."""
