"""Where data lives: the database, its models, serials, settings, paths, output files, logs, PostgreSQL."""
