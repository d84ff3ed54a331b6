"""Teaching: classes and assignments, the gradebook, item analysis, and their forms."""
