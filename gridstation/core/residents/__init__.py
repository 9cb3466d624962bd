"""Residents as the register keeps them over time: their status (在册 / 迁出 / 死亡) and who was present on a
day. The resident record, its checks and the search box are still in core/intake/residents.py."""
