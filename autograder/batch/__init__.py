"""Grading a whole class: find the submissions, grade them in parallel, keep what is done."""
