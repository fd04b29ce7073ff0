"""Slow work as jobs: on an RQ queue in Redis when REDIS_URL is set (run by `flask worker`),
in-process otherwise, so the embedded default needs nothing more (`queue.py`: the one API;
`tasks.py`: the jobs; `worker.py`: the command)."""
