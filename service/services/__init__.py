"""Use cases: each loads what it needs, decides, persists, and commits once."""
