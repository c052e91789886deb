"""The trusted side: rubric, verdicts on observations, pytest plumbing and scoring."""
