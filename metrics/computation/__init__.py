"""Computing and storing results: the one-pass engine, its factoring, the per-court fan-out, the
nightly run, scoring and ranking, and the retention of daily history."""
