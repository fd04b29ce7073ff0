"""WTForms classes; each form exposes the data its service takes."""
