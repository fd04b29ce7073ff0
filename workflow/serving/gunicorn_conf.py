"""gunicorn's settings for `make serve`:

    gunicorn -c python:workflow.serving.gunicorn_conf wsgi:app

Every value can be changed from the environment: HOST and PORT (the address, as for
`make run`), WEB_CONCURRENCY (worker processes; default two per core plus one, at most 12),
WEB_THREADS (threads per worker), WEB_TIMEOUT (seconds a request may take before its worker
is restarted), ACCESS_LOG (a file, or "-" for standard output). Behind a reverse proxy the
app itself reads X-Forwarded-For (PROXY_COUNT), so gunicorn is left to trust none.
"""
import multiprocessing
import os
from pathlib import Path


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


bind = f"{os.environ.get('HOST') or '127.0.0.1'}:{_int('PORT', 5000)}"
# Requests wait on the database and render PDFs: CPU-bound enough that two per core is ample.
workers = _int("WEB_CONCURRENCY", min(multiprocessing.cpu_count() * 2 + 1, 12))
threads = _int("WEB_THREADS", 1)
# A preview PDF of a long notice takes seconds; issuing itself runs in the queue's worker.
timeout = _int("WEB_TIMEOUT", 120)
graceful_timeout = 30
keepalive = 5
# Workers are replaced now and then, so that memory WeasyPrint keeps is given back.
max_requests = 2000
max_requests_jitter = 200
accesslog = os.environ.get("ACCESS_LOG") or "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
access_log_format = '%({x-forwarded-for}i)s %(h)s %(t)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
# The heartbeat files of the workers live in memory where there is some (a full or slow
# disk would otherwise make gunicorn kill healthy workers).
worker_tmp_dir = "/dev/shm" if Path("/dev/shm").is_dir() else None
# The app is made in each worker: its database pool and mail thread are not shared by fork.
preload_app = False
proc_name = "centerflow"
# gunicorn 23+ opens a control socket in ~/.gunicorn by default: one per machine, which a
# second instance (or another site) would fight over. Nothing here uses it.
control_socket_disable = True
