"""Periodic evaluation (运行评估) of operating centers: rounds, grades, the announcement of
the results, and the rectification (整改) of a center graded unqualified."""
