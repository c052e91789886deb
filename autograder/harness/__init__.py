"""What scenarios use besides student code: the grading data and reference training parts built
from torch's own operations (never the instructor's solutions), so a convergence run can swap one
student component in among known-good parts.
"""
