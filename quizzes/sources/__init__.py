"""Source documents: splitting them into passages, reading uploads, revisions, citations and coverage."""
