"""Period figures, their tables, the reports' content (the year's paragraph from each domain's sentence) and the district roll-up."""
