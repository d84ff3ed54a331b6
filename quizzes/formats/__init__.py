"""Bank file formats: pure parsing and serialising, plus `database` which reads them in and out."""
