"""scenario halves for mlp."""
