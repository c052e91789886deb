"""Cheating submissions the sandboxed grader must not reward (see cheats.py and test_redteam.py)."""
