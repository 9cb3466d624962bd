"""Demo data for trying the program and for benchmarks: no rule of the counter lives here."""
