"""A learner's history, mastery, spaced review (FSRS) and charts."""
