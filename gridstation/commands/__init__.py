"""Sub-commands of ``gridstation``, one module per area; each exposes ``register(subparsers)``."""

from __future__ import annotations

from gridstation.commands import site_commands
from gridstation.commands.base import CommandError

COMMAND_MODULES = [site_commands]

__all__ = ["COMMAND_MODULES", "CommandError"]
