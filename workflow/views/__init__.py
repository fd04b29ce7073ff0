"""Blueprints by audience."""
from flask import Flask


def register(app: Flask) -> None:
    from workflow.views import (
        account,
        applicant,
        applications,
        auth,
        calendar,
        call_settings,
        desk,
        errors,
        expert_home,
        expert_pool,
        expert_profile,
        expert_scoring,
        formal_review,
        notices,
        notifications,
        officer,
        organizations,
        panels,
        public,
        public_publicity,
        publicity,
        recommender,
        review_results,
        review_settings,
        selection,
        users,
        verify,
        vocabulary,
    )

    for module in (auth, public, applicant, applications, officer, recommender, formal_review,
                   call_settings, calendar, notifications, panels, expert_home,
                   expert_scoring, review_results, expert_pool, expert_profile,
                   selection, publicity, public_publicity, notices, verify, review_settings,
                   account, users, organizations, vocabulary, desk):
        app.register_blueprint(module.bp)
    errors.register(app)
