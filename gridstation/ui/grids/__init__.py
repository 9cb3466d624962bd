"""The grid register's page (网格) and its dialogs: the head edits, everyone reads."""
