"""scenario halves for softmax regression."""
