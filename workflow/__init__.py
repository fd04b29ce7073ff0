"""Centerflow: approval of provincial innovation platforms."""
from pathlib import Path

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict | None = None) -> Flask:
    from workflow import cli, setup, views
    from workflow.config import load_config

    app = Flask(__name__, template_folder=str(ROOT / "templates"),
                instance_path=str(ROOT / "instance"))
    app.config.from_mapping(load_config(config))
    setup.init_extensions(app)
    views.register(app)
    cli.register(app)
    setup.check_environment(app)
    return app
