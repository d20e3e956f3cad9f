"""Search: per-channel FAISS vector indexes and shot search over them."""
