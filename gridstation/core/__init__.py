"""The rules of the counter. Nothing in this package may import Qt (tests/test_layers.py)."""
