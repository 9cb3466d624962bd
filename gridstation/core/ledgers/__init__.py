"""Ledgers: their columns, reading, templates, import and export, spreadsheet safety, audit wording."""
