"""Stage 6 of the pipeline: narration slots + candidate shots → a timeline, and its file formats.

``align.align`` chooses shots and cut points, ``assemble.build_timeline`` adds the audio; ``model`` is the
typed timeline (JSON and its schema), ``edits`` the editor's changes, ``subtitles`` SRT/WebVTT and
``otio_export`` OpenTimelineIO. See docs/render.md. This ``__init__`` imports nothing: import each name from
the module that defines it, so loading the model does not load the planner or OpenTimelineIO.
"""
