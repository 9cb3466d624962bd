"""The PySide6 front end. It calls services in gridstation.core; it never writes to the database itself."""
