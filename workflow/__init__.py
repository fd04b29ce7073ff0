"""Centerflow: approval of provincial innovation platforms."""
from pathlib import Path

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict | None = None) -> Flask:
    from workflow import blueprints, cli, setup
    from workflow.core.config import load_config

    app = Flask(__name__, template_folder=str(ROOT / "templates"),
                instance_path=str(ROOT / "instance"))
    app.config.from_mapping(load_config(config))
    if app.config["PROXY_COUNT"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)
    setup.init_extensions(app)
    blueprints.register(app)
    cli.register(app)
    setup.check_environment(app)
    return app
