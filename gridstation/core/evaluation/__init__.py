"""好差评: residents' ratings of completed intakes, 回访, the head's 差评整改 and 申诉, and their figures."""
