"""scenario halves for convergence."""
