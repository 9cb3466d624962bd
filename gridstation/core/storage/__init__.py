"""Where data lives: the database, its models, serials, settings, paths, output files, logs, PostgreSQL, the photo store, the SQL of a count."""
