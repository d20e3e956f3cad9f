"""Shared text tools, the leaf every stage and the indexer build on (it imports nothing else from montage).

* :mod:`montage.text.scripts`: which characters are Han ideographs, kana, Hangul or CJK (one definition).
* :mod:`montage.text.width`: how wide text is on screen (East Asian wide characters count double).
* :mod:`montage.text.languages`: language tags reduced to their primary language (one normaliser).
* :mod:`montage.text.decoding`: bytes to text (byte-order marks, declared charsets, detection, sanity checks).
* :mod:`montage.text.cues`: the subtitle cue, read from a library's subtitle files or written for a video.
"""
