"""dltrack: a study tracker and link curator for deep-learning reading lists."""

__version__ = "0.1.0"
