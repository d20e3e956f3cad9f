"""Measure cut quality against an editor's labels of acceptable clips (see ``cut_labels``)."""
