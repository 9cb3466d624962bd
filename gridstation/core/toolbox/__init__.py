"""The shared tool box: kinds and units, lending, returns, reservations, stock-take, photos."""
