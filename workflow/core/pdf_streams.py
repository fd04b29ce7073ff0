"""How much a PDF's streams expand when decoded, measured without expanding a bomb.

Flate, ASCIIHex and ASCII85 (what PDF writers use) are decoded here piece by piece, each
layer of a filter chain feeding the next, and every byte any layer produces is counted
against one budget: the measurement stops as soon as the budget is spent, so a stream that
would inflate to gigabytes costs at most the budget. Image codecs are not decoded: what
they produce is bounded by the image's dimensions. The rarer RunLength and LZW are decoded
by qpdf only when their worst case fits in what is left of the budget."""
import base64
import binascii
import zlib
from math import prod

CHUNK = 1024 * 1024
IMAGE_FILTERS = frozenset({"/DCTDecode", "/JPXDecode", "/JBIG2Decode", "/CCITTFaxDecode"})
# The most output one input byte can give (zlib's maximum ratio is about 1032:1; an LZW
# code of at least 9 bits gives at most 4,096 bytes).
WORST_RATIO = {"/FlateDecode": 1032, "/ASCIIHexDecode": 1, "/ASCII85Decode": 4,
               "/RunLengthDecode": 64, "/LZWDecode": 3641}
PDF_WHITESPACE = b" \t\r\n\f\x00"


class _Spent(Exception):
    """The budget is spent: the file expands past the limit."""


def expands_past(pdf, objects: dict, budget: int) -> bool:
    """Whether decoding every stream of `pdf` produces more than `budget` bytes in all.

    Streams are never stored inside compressed object streams, so the cross-reference table
    (`objects`, from get_xref_table) lists every one of them without opening an object stream
    (qpdf would inflate it whole)."""
    import pikepdf

    left = [budget]
    try:
        for objgen, entry in objects.items():
            if entry.type != 1:
                continue
            obj = pdf.get_object(objgen)
            if isinstance(obj, pikepdf.Stream):
                _measure(obj, left)
    except _Spent:
        return True
    return False


def _measure(stream, left: list[int]) -> None:
    layers = []
    for name in _filters(stream):
        if name in IMAGE_FILTERS:
            break
        layers.append(name)
    raw = stream.read_raw_bytes()
    if not layers or any(name not in WORST_RATIO for name in layers):
        _spend(left, len(raw))  # stored as is, or a filter no viewer decodes either
        return
    if all(name in DECODERS for name in layers):
        chunks = (raw[start:start + CHUNK] for start in range(0, len(raw), CHUNK))
        for name in layers:
            chunks = _metered(DECODERS[name](chunks), left)
        try:
            for _chunk in chunks:
                pass
        except (zlib.error, binascii.Error, ValueError):
            pass  # broken data: a viewer stops decoding there too
        return
    if len(raw) * prod(WORST_RATIO[name] for name in layers) > left[0]:
        raise _Spent
    try:
        size = len(stream.read_bytes())
    except Exception:  # qpdf cannot decode it: neither can a viewer
        return
    _spend(left, size)


def _filters(stream) -> list[str]:
    import pikepdf

    value = stream.get("/Filter")
    if isinstance(value, pikepdf.Array):
        return [str(name) for name in value]
    return [str(value)] if isinstance(value, pikepdf.Name) else []


def _spend(left: list[int], size: int) -> None:
    left[0] -= size
    if left[0] < 0:
        raise _Spent


def _metered(chunks, left: list[int]):
    for chunk in chunks:
        _spend(left, len(chunk))
        yield chunk


def _inflate(chunks):
    inflater = zlib.decompressobj()
    for chunk in chunks:
        pending = chunk
        while not inflater.eof:
            out = inflater.decompress(pending, CHUNK)
            yield out
            pending = inflater.unconsumed_tail
            if not pending and len(out) < CHUNK:
                break
        if inflater.eof:
            return


def _ascii_hex(chunks):
    carry = b""
    for chunk in chunks:
        text = carry + chunk.translate(None, PDF_WHITESPACE)
        end = text.find(b">")
        if end != -1:
            text = text[:end]
            yield binascii.unhexlify(text + b"0" * (len(text) % 2))
            return
        cut = len(text) - len(text) % 2
        carry = text[cut:]
        yield binascii.unhexlify(text[:cut])
    if carry:
        yield binascii.unhexlify(carry + b"0")


def _ascii85(chunks):
    """ASCII85 in groups of five characters; "z" (four zero bytes) is rewritten as the
    group "!!!!!" that means the same, so that groups can be cut anywhere."""
    carry = b""
    for chunk in chunks:
        text = carry + chunk.translate(None, PDF_WHITESPACE)
        end = text.find(b"~>")
        if end != -1:
            yield base64.a85decode(text[:end].replace(b"z", b"!!!!!"))
            return
        hold = b"~" if text.endswith(b"~") else b""
        text = text[:len(text) - len(hold)].replace(b"z", b"!!!!!")
        cut = len(text) - len(text) % 5
        carry = text[cut:] + hold
        yield base64.a85decode(text[:cut])
    if carry:
        yield base64.a85decode(carry)


DECODERS = {"/FlateDecode": _inflate, "/ASCIIHexDecode": _ascii_hex,
            "/ASCII85Decode": _ascii85}
