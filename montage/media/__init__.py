"""Media facts: ``probe.probe`` reads a file with ffprobe into an immutable ``info.MediaInfo``.

Imports nothing: import each name from the module that defines it.
"""
