"""Measurement: the gold question set, the evaluation harness, the report and the benchmarks."""
