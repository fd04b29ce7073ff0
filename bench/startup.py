"""Benchmark the start-up of a web worker and of `flask tick`; prints one JSON object.

    python -m bench.startup --repeat 5

Each measure runs in a fresh interpreter, as a worker or a cron job starts: the time and the
resident memory to import the app and create it (what `import wsgi` does), the heavy
libraries that start-up imported (none should be: they are imported where they are used),
and the wall and CPU time of `flask --app wsgi tick` on an empty database (migrated,
unmeasured, in a temporary folder), with the heavy libraries that command imported.
Bytecode is cached, as on a server that writes .pyc files, but in the temporary folder.
Times are the median of `--repeat` runs; on a busy host the CPU times are the steadier.
"""
import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("weasyprint", "openpyxl", "numpy", "ortools", "alembic", "flask_migrate", "pikepdf",
         "pypdf", "segno", "zxcvbn", "PIL", "fontTools", "pyotp")

# Run in the child: time and memory to create the app, and the heavy modules then loaded.
CREATE_APP = """
import json, sys, time
started, cpu = time.perf_counter(), time.process_time()
from workflow import create_app
app = create_app()
seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
rss_kb = next(int(line.split()[1]) for line in open("/proc/self/status")
              if line.startswith("VmRSS:"))
print(json.dumps({"seconds": seconds, "cpu_seconds": cpu, "rss_mb": rss_kb / 1024,
                  "heavy": sorted(m for m in sys.modules if m.split(".")[0] in HEAVY
                                  and "." not in m)}))
"""

# `flask --app wsgi tick`, reporting at exit which heavy modules the command loaded.
FLASK_TICK = """
import atexit, json, sys
atexit.register(lambda: print(json.dumps(sorted(
    m for m in sys.modules if m in HEAVY)), file=sys.stderr))
sys.argv = ["flask", "--app", "wsgi", "tick"]
from flask.cli import main
main()
"""


def _python(code: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", f"HEAVY = {HEAVY!r}\n{code}"], cwd=ROOT,
                          env=env, capture_output=True, text=True, check=True)


def _children_cpu() -> float:
    """CPU seconds of the finished child processes: steadier than wall time on a busy host."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _create_app(env: dict, repeat: int) -> dict:
    runs = [json.loads(_python(CREATE_APP, env).stdout.splitlines()[-1])
            for _ in range(repeat)]
    return {"seconds": round(statistics.median(r["seconds"] for r in runs), 3),
            "cpu_seconds": round(statistics.median(r["cpu_seconds"] for r in runs), 3),
            "rss_mb": round(statistics.median(r["rss_mb"] for r in runs), 1),
            "heavy_modules": runs[-1]["heavy"]}


def _tick(env: dict, repeat: int) -> dict:
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=env, capture_output=True,
                   check=True)
    seconds, cpu, heavy = [], [], []
    for _ in range(repeat):
        started, used = time.perf_counter(), _children_cpu()
        done = _python(FLASK_TICK, env)
        seconds.append(time.perf_counter() - started)
        cpu.append(_children_cpu() - used)
        heavy = json.loads(done.stderr.strip().splitlines()[-1])
    return {"seconds": round(statistics.median(seconds), 3),
            "cpu_seconds": round(statistics.median(cpu), 3), "heavy_modules": heavy}


def run(repeat: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="centerflow-startup-") as folder:
        # Bytecode cached, as a server has it, but in the temporary folder, not the clone.
        env = {**os.environ, "CENTERFLOW_ENV": "development",
               "DATABASE_URL": f"sqlite:///{folder}/bench.db",
               "UPLOAD_DIR": f"{folder}/uploads", "PYTHONPYCACHEPREFIX": f"{folder}/pycache"}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        _python(CREATE_APP, env)  # unmeasured: writes the bytecode
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        interpreter = time.perf_counter() - started
        return {"create_app": _create_app(env, repeat),
                "flask_tick_empty_db": _tick(env, repeat),
                "bare_interpreter_seconds": round(interpreter, 3),
                "repeat": repeat}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.startup", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5, help="runs of each measure")
    print(json.dumps(run(parser.parse_args(argv).repeat)))


if __name__ == "__main__":
    main()
