"""Cases: the generic case engine that every workflow runs on (state, clocks, assignment)."""
