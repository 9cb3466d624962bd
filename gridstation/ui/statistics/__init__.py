"""统计 on screen: the month's figures, charts and the reports."""
