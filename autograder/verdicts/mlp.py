"""verdict halves for mlp."""
