"""verdict halves for softmax regression."""
