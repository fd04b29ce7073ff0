"""The floor the pages are measured against (bench/pages.py): a bare Flask page rendering 50
applications with their units from the same database through SQLAlchemy Core, without the
app's sessions, logins, templates or layout. Served by gunicorn as `bench.bare:app()`, the
database named by BENCH_DATABASE_URL."""
import os

from flask import Flask, render_template_string
from sqlalchemy import create_engine, text

PAGE = """<!doctype html><title>bare</title><table>
{% for row in rows %}<tr><td>{{ row.id }}</td><td>{{ row.title }}</td><td>{{ row.state }}</td>
<td>{{ row.region_code }}</td><td>{{ row.name }}</td></tr>{% endfor %}</table>"""
ROWS = text("SELECT a.id, a.title, a.state, a.region_code, o.name FROM applications a "
            "JOIN organizations o ON o.id = a.lead_org_id ORDER BY a.id DESC LIMIT 50")


def app() -> Flask:
    engine = create_engine(os.environ["BENCH_DATABASE_URL"])
    bare = Flask(__name__)

    @bare.get("/")
    def rows():
        with engine.connect() as conn:
            return render_template_string(PAGE, rows=conn.execute(ROWS).all())

    return bare
