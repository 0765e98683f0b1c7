"""Benchmarks (management commands bench_metrics, bench_pages, bench_load): they print measured
figures; no test asserts on them."""
