"""verdict halves for convergence."""
