"""Expert assignment on plain data (ids, capacities, affinities), free of Flask and the database.

`solver` holds the exact optimum, the auditable random draw and the independent LP check; the
services turn calls, experts and exclusions into a `solver.Problem` and store the `Solution`.
"""
