"""Faulty submissions (hangs, crashes, resource bombs, broken modules) for the sandbox's fault suite."""
