"""Authoring: banks, questions (immutable versions), quizzes, and their forms."""
