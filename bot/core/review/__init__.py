"""Spaced review: the fsrs schedule of questions answered badly, and the member's `mark`."""
