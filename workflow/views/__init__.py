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
        expert_home,
        expert_scoring,
        formal_review,
        notifications,
        officer,
        panels,
        public,
        recommender,
        review_results,
    )

    for module in (auth, public, applicant, applications, officer, recommender, formal_review,
                   call_settings, calendar, notifications, panels, expert_home,
                   expert_scoring, review_results):
        app.register_blueprint(module.bp)
    errors.register(app)
