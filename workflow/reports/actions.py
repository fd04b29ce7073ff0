"""Annual reports move no application: a report has its own small lifecycle
(models.REPORT_MACHINE). Importing this module loads the report permissions (rules.py)."""
from workflow.reports import rules

PERMISSIONS = rules
