"""How the app is served in production: the gunicorn settings (`gunicorn_conf.py`)."""
