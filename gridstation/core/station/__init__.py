"""The station itself: roles and accounts, audit, catalogue, site creation, schema, backup, migration."""
