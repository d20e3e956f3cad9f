"""Tests of probing and the one-pass video analysis."""
