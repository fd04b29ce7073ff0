"""A center after its approval notice (DOMAIN.md section 11): the record of the center itself
(its current name, lead unit, director and construction period) and the indicators its task
book sets and its annual reports are measured against. The task book, the reports, the
acceptance, the evaluations, the changes and the revocation build on it."""
