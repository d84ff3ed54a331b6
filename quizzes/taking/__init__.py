"""Taking a quiz: starting an attempt, answering, timing and deadlines, grading, selection."""
