"""受理 and 居民 on screen: the counter's page, an intake's detail, residents and their materials."""
