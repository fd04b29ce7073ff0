"""Blueprints by audience."""
from flask import Flask


def register(app: Flask) -> None:
    from workflow.views import (
        applicant,
        applications,
        auth,
        calendar,
        call_settings,
        errors,
        formal_review,
        notifications,
        officer,
        public,
        recommender,
    )

    for module in (auth, public, applicant, applications, officer, recommender, formal_review,
                   call_settings, calendar, notifications):
        app.register_blueprint(module.bp)
    errors.register(app)
