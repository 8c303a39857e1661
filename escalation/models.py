"""Models of the clocks and escalation app."""
