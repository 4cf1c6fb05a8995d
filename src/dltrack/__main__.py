"""Run dltrack as ``python -m dltrack``."""

from dltrack.cli import script

script()
