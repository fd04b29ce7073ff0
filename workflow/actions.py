"""Every feature's actions, so that the action registry (lifecycle/registry.py) is complete.

create_app imports this module, and so does anything that reads the registry without an app.
"""
from workflow.acceptance import actions as acceptance
from workflow.centers import actions as centers
from workflow.evaluation import actions as evaluation
from workflow.formal_review import actions as formal_review
from workflow.intake import actions as intake
from workflow.notices import actions as notices
from workflow.publicity import actions as publicity
from workflow.recommendation import actions as recommendation
from workflow.reports import actions as reports  # noqa: F401  (its permissions; no app action)
from workflow.review import actions as review
from workflow.selection import actions as selection
from workflow.task_books import actions as task_books

FEATURES = (intake, recommendation, formal_review, review, selection, publicity, notices,
            task_books, acceptance, evaluation, centers)
