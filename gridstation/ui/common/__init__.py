"""Pieces every screen shares: the table model, the background helper, keys, messages, file dialogs and printing."""
