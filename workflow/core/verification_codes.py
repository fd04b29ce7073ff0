"""The verification codes printed on documents (notices, letters, decisions, application
books) and the QR code of the page that verifies one: 16 characters of base32, 80 random
bits, printed in groups of four (ABCD-EFGH-JKLM-NPQR)."""
import base64
import secrets

import segno

CODE_ALPHABET = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
CODE_LENGTH = 16


def new_code() -> str:
    """16 characters of base32: 80 random bits."""
    return base64.b32encode(secrets.token_bytes(10)).decode()


def normalize_code(text: str) -> str | None:
    """A verification code as typed (any case, with spaces or dashes), or None."""
    code = "".join(ch for ch in (text or "").upper() if ch not in " -")
    return code if len(code) == CODE_LENGTH and all(ch in CODE_ALPHABET for ch in code) else None


def code_groups(code: str) -> str:
    """The code as printed: ABCD-EFGH-JKLM-NPQR."""
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


def qr_data_uri(url: str) -> str:
    """A QR code of `url` as a data: PNG image, for a document's verification box."""
    return segno.make(url, error="m").png_data_uri(scale=6, border=0)
