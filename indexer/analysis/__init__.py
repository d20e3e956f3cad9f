"""The parts of the one-pass video analysis: decoding, cut detection, measures, keyframes, hashes."""
