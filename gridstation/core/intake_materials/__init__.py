"""材料清单, 一次性告知, 补正 and 容缺受理: the documents a service needs and what an intake still lacks."""
