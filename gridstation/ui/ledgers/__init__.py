"""Importing a station's ledgers on screen: the import wizard."""
