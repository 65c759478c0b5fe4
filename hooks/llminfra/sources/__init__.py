"""Parsers for the three source formats: share lists, the series index, screening notes."""
