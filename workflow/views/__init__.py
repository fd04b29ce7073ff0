"""Blueprints by audience."""
from flask import Flask


def register(app: Flask) -> None:
    from workflow.views import applicant, applications, auth, errors, officer, public

    for module in (auth, public, applicant, applications, officer):
        app.register_blueprint(module.bp)
    errors.register(app)
