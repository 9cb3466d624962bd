"""The shared tool box: kinds and units, lending, returns, reservations, stock-take (photos are in the store of ``storage/photos.py``)."""
