"""Stub: implemented by the mobilised reader work."""
