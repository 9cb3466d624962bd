"""Printed documents (ReportLab, no Qt): receipts, loan slips, asset labels and statistics.

They run in the GUI, the command line and ``gridstation selftest`` alike, so this package must
never import PySide6. Every document draws through the shared pieces: ``fonts`` (the bundled font),
``styles``, ``blocks`` (header, rows, tables, signature lines, QR code), ``fitting``, ``cn_dates`` and
``pdf_build`` (footer, one-page fitting, the safe save).
"""
