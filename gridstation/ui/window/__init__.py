"""The main window and what frames every page: navigation, live updates, the idle lock, selftest and screenshots."""
