"""Comparing how long two kinds of request take, for the answers that must not tell whether
an address exists: both kinds alternate, so a busy machine slows both alike, and the quickest
of each kind are compared."""
import http.client
import threading
import time
from contextlib import contextmanager
from urllib.parse import urlencode

from werkzeug.serving import make_server


def quickest(first, second, *, rounds: int = 11) -> tuple[float, float]:
    """The quickest seconds of `first(n)` and of `second(n)`, called alternately `rounds`
    times each after one warm-up call of each. Other processes on the machine only ever add
    time to a call, so the quickest is the call's own cost (a median moved by 40 ms when
    the CI machine was busy)."""
    first(-1), second(-1)
    times = ([], [])
    for n in range(rounds):
        for call, kept in ((first, times[0]), (second, times[1])):
            start = time.perf_counter()
            call(n)
            kept.append(time.perf_counter() - start)
    return min(times[0]), min(times[1])


@contextmanager
def served(app):
    """`app` on a real HTTP server in a thread: its answers are timed as a client gets them
    (work the app does after answering, `call_on_close`, is not counted)."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_port
    finally:
        server.shutdown()
        thread.join()


def post(port: int, path: str, form: dict) -> str:
    """POST a form over a new connection; the body of the answer."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("POST", path, urlencode(form),
                       {"Content-Type": "application/x-www-form-urlencoded"})
    body = connection.getresponse().read().decode()
    connection.close()
    return body
