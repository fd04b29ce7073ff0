"""The writers of reports: the rounds and the clock's work on them (rounds.py), the lead
unit's filing (filing.py), the reviews of the city and the department (review.py), and whom
each step tells (telling.py)."""
