"""One module per export (each ledger, the overdue list, the roster) on a shared sheet writer (``sheet``)."""
