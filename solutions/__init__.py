"""Reference solutions for the d2l-autograder exercises (chapters 2-4 of d2l.ai).

`exercises/` is generated from this package by `autograder build-exercises`: every region between
`### BEGIN SOLUTION` and `### END SOLUTION` becomes `raise NotImplementedError()`.
"""
