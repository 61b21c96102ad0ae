"""Stub: implemented by the xsens reader work."""
