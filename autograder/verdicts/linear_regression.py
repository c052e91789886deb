"""verdict halves for linear regression."""
