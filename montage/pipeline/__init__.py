"""The montage pipeline: article → narration → anchors → speech → candidates → timeline → render."""
