"""Sub-commands of ``gridstation``, one module per area; each exposes ``register(subparsers)``."""

from __future__ import annotations

from gridstation.commands import (
    backup_commands,
    document_commands,
    event_commands,
    grid_commands,
    ledger_commands,
    report_commands,
    server_commands,
    site_commands,
    tool_commands,
)
from gridstation.commands.base import CommandError

COMMAND_MODULES = [site_commands, document_commands, backup_commands, report_commands, tool_commands, ledger_commands,
                   server_commands, event_commands, grid_commands]

__all__ = ["COMMAND_MODULES", "CommandError"]
