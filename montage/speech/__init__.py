"""Stage 4 of the pipeline: narration text → speech audio, one normalised WAV per sentence.

Engines: ``espeak-ng`` (offline default, external program), ``piper`` (optional, CLI out of process),
``coqui`` (optional, in process with a locally available model). See docs/speech.md.

Import names from the modules that define them: this file stays empty, so importing one module of the
package loads no other.
"""
