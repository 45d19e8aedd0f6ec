"""The public suggestions board (R30, R31)."""
