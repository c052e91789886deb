"""d2l-autograder: hidden checks and a grader for the from-scratch exercises of d2l.ai chapters 2-4."""
