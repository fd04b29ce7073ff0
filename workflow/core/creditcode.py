"""Unified social credit codes (GB 32100-2015) on top of python-stdnum.

stdnum checks the length, the alphabet and the final mod-31 character; GB 32100 also embeds
an organization code (GB 11714, positions 9-17) with a check character of its own, and the
registering region (positions 3-8), which must be a code of the region tree (core/regions.py)
of today or of the past (a code keeps the region it was issued in), or the national level.
"""
from flask_babel import gettext as _
from stdnum.cn import uscc

from workflow.core import regions

# Units registered by a central authority (ministries, universities under them) carry 100000.
NATIONAL = "100000"

_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def org_code_check(body: str) -> str:
    total = sum(_ORG_ALPHABET.index(c) * w for c, w in zip(body, _ORG_WEIGHTS, strict=True))
    value = 11 - total % 11
    return {10: "X", 11: "0"}.get(value, str(value))


def problem(raw: str) -> str | None:
    """Why `raw` is not a valid credit code, in words for the user; None when it is valid."""
    code = uscc.compact(raw or "").upper()
    if len(code) != 18:
        return _("A unified social credit code has 18 characters; this one has %(n)d.", n=len(code))
    try:
        uscc.validate(code)
    except uscc.InvalidFormat:
        return _("The code may contain only digits and the capital letters A-Z without I, O, "
                 "S, V and Z, and characters 3-8 must be a region code.")
    except uscc.InvalidChecksum:
        return _("The last character does not match: please check the code for a typing error.")
    if code[16] != org_code_check(code[8:16]):
        return _("Characters 9-17 are not a valid organization code: please check the code.")
    region = region_of(code)
    if region != NATIONAL and not regions.is_listed(region):
        return _("Characters 3-8 (%(region)s) are not the code of any region of China: please "
                 "check the code.", region=region)
    return None


def normalize(raw: str) -> str:
    return uscc.compact(raw or "").upper()


def region_of(code: str) -> str:
    return code[2:8]


def make(prefix: str, region: str, org_body: str) -> str:
    """Build a valid code from its parts; used by the demo and tests for synthetic codes."""
    partial = prefix + region + org_body + org_code_check(org_body)
    return partial + uscc.calc_check_digit(partial)
