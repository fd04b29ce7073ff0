"""A world of many applications for the desks, inserted as rows (these worlds are only read):
the generator of `flask bench-data` (workflow/demo/bench_data.py), its people logging in
with the tests' password.

`build` makes the calls and the people whose desks are looked at through the services; `add`
then inserts applications in bulk, the state cycling through ORDER (the states desks list
first), and with each the rows its state has. Half of the rounds of ORDER are in Jinan, the
city of `recommender`; `applicant`'s unit co-builds many of them; `expert` sits on many
panels. Used by tests/desk/test_desk_statements.py and bench/desks.py.
"""
from itertools import count

from werkzeug.security import generate_password_hash

from tests.factories import PASSWORD
from workflow.demo.bench_data import (
    CALL_OF,
    JINAN,
    ORDER,
    OTHER_CITIES,
    CallRef,
    K,
    Person,
    World,
    add,
    city_of,
)
from workflow.demo.bench_data import build as build_world

__all__ = ["CALL_OF", "JINAN", "K", "ORDER", "OTHER_CITIES", "CallRef", "Person", "World",
           "add", "build", "city_of"]
# One cheap hash for every user of these worlds, as for the other test users.
_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1")
_worlds = count(1)


def build(*, pool: int = K + 2) -> World:
    """The calls, one per stage, and the people whose desks are measured, logging in with
    tests.factories.PASSWORD; `pool` experts (at least K + 2). Committed."""
    return build_world(pool=pool, password_hash=_HASH, tag=f"-t{next(_worlds)}")
