"""scenario halves for linear regression."""
