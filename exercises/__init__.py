"""Your exercises for chapters 2-4 of Dive into Deep Learning: fill in every function."""
