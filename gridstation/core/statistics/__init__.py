"""Period figures, their tables and the district roll-up."""
