"""The station's own settings on screen: sign-in, first-run wizard, accounts, calendar, catalogue, backups."""
