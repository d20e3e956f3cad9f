"""Stage 5, retrieval side: candidate shots per narration sentence from both embedding channels."""
