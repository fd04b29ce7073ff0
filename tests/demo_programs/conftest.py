"""The demo's other programs are checked by tests/platform/test_demo.py, which loads the
Shandong demo once for all of them (communities.py, manufacturing.py, stats.py hold those
tests); test_liaoning.py builds a database of its own."""
from functools import partial

from werkzeug.security import generate_password_hash

from workflow.accounts.models import users as user_models


def fast_hashes(patch) -> None:
    """About a hundred accounts: the default scrypt would spend most of the loading hashing."""
    patch.setattr(user_models, "generate_password_hash",
                  partial(generate_password_hash, method="pbkdf2:sha256:1"))
