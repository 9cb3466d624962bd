"""One module per kind of ledger the station imports, on a shared row reader (``rows``)."""
