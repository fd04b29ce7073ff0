"""A web worker and every `flask` command start without the heavy libraries: each is imported
by the function that uses it (STYLE.md 9; bench/startup.py measures the time)."""
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("weasyprint", "openpyxl", "numpy", "ortools", "alembic", "flask_migrate", "pikepdf",
         "pypdf", "zxcvbn", "fontTools")

# In a fresh interpreter, so what the tests already imported does not count.
CREATE_APP = """
import json, sys
from workflow import create_app
create_app({"TESTING": True, "SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
print(json.dumps(sorted(name for name in sys.modules if name.split(".")[0] in %r)))
"""


def _loaded_after(code: str) -> list[str]:
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, check=True)
    return json.loads(done.stdout.splitlines()[-1])


def test_creating_the_app_imports_no_heavy_library():
    loaded = _loaded_after(CREATE_APP % (HEAVY,))
    assert loaded == [], f"imported at start-up: {sorted({n.split('.')[0] for n in loaded})}"


def test_flask_db_still_runs_the_migration_commands(app):
    runner = app.test_cli_runner()
    listed = runner.invoke(args=["db", "--help"])
    assert listed.exit_code == 0, listed.output
    assert "upgrade" in listed.output and "downgrade" in listed.output
    heads = runner.invoke(args=["db", "heads"])  # Alembic prints to its own stdout
    assert heads.exit_code == 0, heads.output
    assert app.extensions["migrate"].directory.endswith("migrations")
