"""Importers: bring content in from files and other platforms.

Each reads and validates everything first, then stores it with one action call
(one transaction), so a bad file leaves the site exactly as it was.
"""
