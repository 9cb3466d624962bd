"""Domain errors: what a user can cause, with the Chinese message the UI and CLI show as is."""


class DomainError(Exception):
    """A refusal the user can act on. ``message`` is shown verbatim; nothing was written.

    ``field`` names what to change; ``items`` the entries of it the message lists (the materials of a
    checklist), so a screen can put the cursor on the first of them rather than on the list's top.
    """

    def __init__(self, message: str, *, field: str | None = None, items: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.items = items


class NotFound(DomainError):
    """A record the user named (serial, asset code, resident) does not exist."""


class PermissionDenied(DomainError):
    """The signed-in role may not do this; the check lives in the service, not only the button."""


class DatabaseProblem(DomainError):
    """The database file is missing, locked, read-only or corrupt."""
