"""Stage 8 of the pipeline: a timeline → an MP4, in one ffmpeg pass built as data. See docs/render.md.

Import names from the modules that define them: this file stays empty, so importing one module of the
package loads no other.
"""
