"""Recommendation quality: judged profiles, metrics and baselines (``make bench-quality``)."""
