"""Imports the step modules so that they register (one line each)."""
