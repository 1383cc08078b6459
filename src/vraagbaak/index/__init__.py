"""Passages in, searchable index out: splitting, embedding, storage and retrieval."""
