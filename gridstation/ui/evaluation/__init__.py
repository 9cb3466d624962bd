"""好差评 on screen: the rating block at the counter and the resident-facing window."""
