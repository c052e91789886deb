"""Submissions as handed in (folders, git repositories, notebooks), laid out for grading."""
from autograder.submissions.sources import SourceError, Submission, materialize

__all__ = ["SourceError", "Submission", "materialize"]
