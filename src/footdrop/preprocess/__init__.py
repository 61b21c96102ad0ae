"""Preprocessing: units, time grid and gaps, signal quality, mounting alignment."""
