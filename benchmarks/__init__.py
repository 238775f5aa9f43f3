"""Benchmark scripts (run on demand; each prints one JSON object as its last line)."""
