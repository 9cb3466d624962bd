"""The counter's intake: residents and the intakes recorded for them."""
