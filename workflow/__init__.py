"""Centerflow: approval of provincial innovation platforms."""
from flask import Flask

from workflow import (
    actions,  # noqa: F401  (fills the action registry)
    blueprints,
    cli,
    setup,
)
from workflow.core import static_files
from workflow.core.config import ROOT, load_config


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__, template_folder=str(ROOT / "templates"),
                instance_path=str(ROOT / "instance"))
    app.config.from_mapping(load_config(config))
    if app.config["PROXY_COUNT"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)
    setup.init_extensions(app)
    static_files.init_app(app)
    blueprints.register(app)
    cli.register(app)
    setup.check_environment(app)
    return app
