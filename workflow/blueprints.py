"""Blueprints by audience."""
from flask import Flask

from workflow.acceptance import views as acceptance
from workflow.accounts.views import account, auth, users
from workflow.application_forms import views as application_forms
from workflow.calendar import views as calendar
from workflow.calls.views import call_settings, officer, public, review_settings
from workflow.centers import views as centers
from workflow.departments import views as departments
from workflow.desk import views as desk
from workflow.evaluation.views import public as evaluation_results
from workflow.evaluation.views import rectification as evaluation
from workflow.evaluation.views import rounds as evaluation_rounds
from workflow.experts.views import pool as expert_pool
from workflow.experts.views import profile as expert_profile
from workflow.formal_review import views as formal_review
from workflow.inbox import views as notifications
from workflow.intake.views import applicant, applications, books
from workflow.notices.views import notices, verify
from workflow.organizations import views as organizations
from workflow.publicity.views import public as public_publicity
from workflow.publicity.views import publicity
from workflow.recommendation import views as recommender
from workflow.reports import views as reports
from workflow.review.views import expert_home, expert_scoring, panels
from workflow.review.views import results as review_results
from workflow.selection import views as selection
from workflow.statistics import views as statistics
from workflow.task_books import views as task_books
from workflow.vocabulary import views as vocabulary
from workflow.web.views import errors


def register(app: Flask) -> None:
    for module in (auth, public, applicant, applications, officer, recommender, formal_review,
                   call_settings, calendar, notifications, panels, expert_home,
                   expert_scoring, review_results, expert_pool, expert_profile,
                   selection, publicity, public_publicity, notices, verify, review_settings,
                   account, users, organizations, vocabulary, desk):
        app.register_blueprint(module.bp)
    app.register_blueprint(reports.bp)
    app.register_blueprint(statistics.bp)
    app.register_blueprint(acceptance.bp)
    app.register_blueprint(centers.bp)
    app.register_blueprint(evaluation.bp)
    app.register_blueprint(evaluation_rounds.bp)
    app.register_blueprint(evaluation_results.bp)
    app.register_blueprint(task_books.bp)
    app.register_blueprint(books.bp)
    app.register_blueprint(departments.bp)
    app.register_blueprint(application_forms.bp)
    app.register_blueprint(recommender.settings_bp)
    errors.register(app)
