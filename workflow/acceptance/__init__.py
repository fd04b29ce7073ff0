"""Acceptance (验收) at the end of construction: the center's self-assessment, an expert
panel with an acceptance rubric, and the outcome (pass, pass with conditions, defer, fail)."""
