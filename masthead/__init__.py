"""Masthead: a self-hosted publishing platform for independent long-form writers."""

__version__ = "0.1.0"
