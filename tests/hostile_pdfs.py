"""Hostile PDFs for the upload tests, written directly as PDF text: each builds in
milliseconds, the bombs and the 200,000-page tree included."""
import io
import zipfile
import zlib

MB = 1024 * 1024
HEADER = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
CATALOG = b"<< /Type /Catalog /Pages 2 0 R %s>>"
PAGES = b"<< /Type /Pages /Kids [3 0 R] /Count %d >>"
PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R %s>>"
NOT_A_PDF = b"\x89PNG\r\n\x1a\n" + bytes(200)
HTML = b"<html><body><script>alert(document.cookie)</script></body></html>\n"


def stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s>>\nstream\n%s\nendstream" % (len(data), extra, data)


def build(objects: list[bytes], *, header: bytes = HEADER) -> bytes:
    """A PDF of `objects` (numbered from 1, the first the catalog) with a correct
    cross-reference table."""
    out, offsets = bytearray(header), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(out)


def one_page(*, catalog: bytes = b"", page: bytes = b"", content: bytes | None = None,
             content_filter: bytes = b"/Filter /FlateDecode ", extra=(), count: int = 1
             ) -> bytes:
    """A one-page PDF; `catalog` and `page` add entries, `extra` objects 5, 6, ..."""
    body = zlib.compress(b"BT /F1 12 Tf 72 720 Td (Hello) Tj ET") if content is None else content
    return build([CATALOG % catalog, PAGES % count, PAGE % page,
                  stream(body, content_filter), *extra])


def javascript_open_action() -> bytes:
    return one_page(catalog=b"/OpenAction << /S /JavaScript /JS (app.alert\\(1\\)) >> ")


def javascript_annotation() -> bytes:
    return one_page(page=b"/Annots [5 0 R] ", extra=[
        b"<< /Type /Annot /Subtype /Link /Rect [0 0 100 100] "
        b"/A << /S /JavaScript /JS 6 0 R >> >>",
        stream(b"this.exportDataObject({cName: 'a', nLaunch: 2});")])


def launch_action() -> bytes:
    return one_page(catalog=b"/OpenAction << /S /Launch /F (cmd.exe) "
                            b"/Win << /F (cmd.exe) /P (/c calc) >> >> ")


def embedded_file() -> bytes:
    return one_page(catalog=b"/Names << /EmbeddedFiles << /Names [(invoice.exe) 5 0 R] >> >> ",
                    extra=[b"<< /Type /Filespec /F (invoice.exe) /EF << /F 6 0 R >> >>",
                           stream(b"MZ\x90\x00", b"/Type /EmbeddedFile ")])


def encrypted(user_password: str) -> bytes:
    import pikepdf

    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(one_page())) as pdf:
        pdf.save(out, encryption=pikepdf.Encryption(user=user_password, owner="owner-secret"))
    return out.getvalue()


def incremental_update(*, between: bytes = b"") -> bytes:
    """A one-page PDF with a title added the way editors save: an update appended after the
    first %%EOF (new object, cross-reference section, trailer pointing back, new end);
    `between` is slipped in before the update."""
    pdf = one_page() + between
    previous = int(pdf.split(b"startxref")[-1].split()[0])
    info_at = len(pdf)
    pdf += b"5 0 obj\n<< /Title (Revised) >>\nendobj\n"
    xref = len(pdf)
    pdf += b"xref\n0 1\n0000000000 65535 f \n5 1\n%010d 00000 n \n" % info_at
    pdf += b"trailer\n<< /Size 6 /Root 1 0 R /Info 5 0 R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n" % (
        previous, xref)
    return pdf


def a_zip(comment: bytes = b"") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("index.html", HTML)
        archive.comment = comment
    return out.getvalue()


def polyglots() -> dict[str, bytes]:
    """A PDF that is also a page or an archive, every way tried."""
    pdf = one_page()
    startxref = pdf[pdf.rindex(b"startxref"):]
    return {
        "html before %PDF": HTML + pdf,
        "zip after %%EOF": pdf + a_zip(),
        "html after %%EOF": pdf + HTML,
        "html after %%EOF, then the end repeated": pdf + HTML + startxref,
        "html in a comment after %%EOF": pdf + b"%" + HTML + HTML + startxref,
        "zip whose comment repeats the end": pdf + a_zip(comment=b"\n" + startxref),
    }


def flate_bomb_stream(mb: int, layers: int = 1, prefix: bytes = b"") -> bytes:
    """A zlib stream that inflates to `prefix` and `mb` MiB of zeros, made in milliseconds:
    one compressed MiB, flushed so that it can be repeated, `mb` times; `layers` times over."""
    compressor = zlib.compressobj(9)
    zeros = bytes(MB)
    first = compressor.compress(prefix) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(zeros) + compressor.flush(zlib.Z_FULL_FLUSH)
    checksum = zlib.adler32(prefix)
    for _ in range(mb):
        checksum = zlib.adler32(zeros, checksum)
    data = first + block * mb + b"\x03\x00" + checksum.to_bytes(4, "big")
    for _ in range(layers - 1):
        data = zlib.compress(data, 9)
    return data


def flate_bomb(mb: int = 400, layers: int = 1) -> bytes:
    """A page whose content stream inflates to `mb` MiB (through `layers` Flate filters)."""
    names = b"/Filter [%s] " % b" ".join([b"/FlateDecode"] * layers)
    return one_page(content=flate_bomb_stream(mb, layers), content_filter=names)


def with_xref_stream(objects: list[bytes], packed: bytes = b"", packed_count: int = 0, *,
                     xref_tail_mb: int = 0) -> bytes:
    """A PDF of `objects` (from 1) and, after them, an object stream holding `packed_count`
    objects (`packed`, already compressed), found through a cross-reference stream whose
    data runs on for `xref_tail_mb` MiB of zeros."""
    out, rows = bytearray(HEADER), [b"\x00" + bytes(4) + b"\xff\xff\xff\xff"]
    for number, body in enumerate(objects, start=1):
        rows.append(b"\x01" + len(out).to_bytes(4, "big") + bytes(4))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    stream_number = len(objects) + packed_count + 1
    rows += [b"\x02" + stream_number.to_bytes(4, "big") + i.to_bytes(4, "big")
             for i in range(packed_count)]
    if packed_count:
        rows.append(b"\x01" + len(out).to_bytes(4, "big") + bytes(4))
        out += b"%d 0 obj\n%s\nendobj\n" % (stream_number, packed)
    xref_number, xref_at = len(rows), len(out)
    rows.append(b"\x01" + xref_at.to_bytes(4, "big") + bytes(4))
    data = flate_bomb_stream(xref_tail_mb, prefix=b"".join(rows))
    out += b"%d 0 obj\n%s\nendobj\n" % (xref_number, stream(
        data, b"/Type /XRef /Size %d /W [1 4 4] /Root 1 0 R /Filter /FlateDecode "
        % (xref_number + 1)))
    out += b"startxref\n%d\n%%%%EOF\n" % xref_at
    return bytes(out)


def object_stream_bomb(mb: int = 400) -> bytes:
    """The page's resources stored in an object stream that inflates to `mb` MiB."""
    resources = b"<< >>"
    packed = stream(flate_bomb_stream(mb, prefix=b"5 0\n" + resources + b"\n"),
                    b"/Type /ObjStm /N 1 /First 4 /Filter /FlateDecode ")
    return with_xref_stream([CATALOG % b"", PAGES % 1, PAGE % b"/Resources 5 0 R ",
                             stream(zlib.compress(b""), b"/Filter /FlateDecode ")],
                            packed, 1)


def xref_stream_bomb(mb: int = 400) -> bytes:
    """A cross-reference stream whose data runs on for `mb` MiB: qpdf reads it on opening."""
    return with_xref_stream([CATALOG % b"", PAGES % 1, PAGE % b"",
                             stream(zlib.compress(b""), b"/Filter /FlateDecode ")],
                            xref_tail_mb=mb)


def declared_pages(count: int) -> bytes:
    return one_page(count=count)


def page_tree(pages: int, *, declared: int | None = None, compressed: bool = True) -> bytes:
    """A real tree of `pages` pages whose /Count says `declared` (default: the truth). Plain,
    every page is an object of the file; compressed, as compact as a PDF writer makes it: the
    tree and every page in one object stream, found through a cross-reference stream."""
    kids = b" ".join(b"%d 0 R" % n for n in range(3, pages + 3))
    bodies = [PAGES.replace(b"[3 0 R]", b"[%s] /MediaBox [0 0 595 842]" % kids)
              % (declared or pages)]
    bodies += [b"<< /Type /Page /Parent 2 0 R >>"] * pages
    if not compressed:
        return build([CATALOG % b"", *bodies])
    offsets, at = [], 0
    for body in bodies:
        offsets.append(at)
        at += len(body) + 1
    numbers = b" ".join(b"%d %d" % (n, off) for n, off in zip(range(2, pages + 3), offsets,
                                                               strict=True))
    objects = zlib.compress(numbers + b"\n" + b"\n".join(bodies) + b"\n")
    out = bytearray(HEADER)
    catalog_at = len(out)
    out += b"1 0 obj\n" + CATALOG % b"" + b"\nendobj\n"
    stream_number, stream_at = pages + 3, len(out)
    out += b"%d 0 obj\n%s\nendobj\n" % (stream_number, stream(
        objects, b"/Type /ObjStm /N %d /First %d /Filter /FlateDecode "
        % (len(bodies), len(numbers) + 1)))
    xref_number, xref_at = stream_number + 1, len(out)
    rows = [b"\x00" + bytes(4) + b"\xff\xff\xff\xff",
            b"\x01" + catalog_at.to_bytes(4, "big") + bytes(4)]
    rows += [b"\x02" + stream_number.to_bytes(4, "big") + i.to_bytes(4, "big")
             for i in range(len(bodies))]
    rows += [b"\x01" + stream_at.to_bytes(4, "big") + bytes(4),
             b"\x01" + xref_at.to_bytes(4, "big") + bytes(4)]
    out += b"%d 0 obj\n%s\nendobj\n" % (xref_number, stream(
        zlib.compress(b"".join(rows)),
        b"/Type /XRef /Size %d /W [1 4 4] /Root 1 0 R /Filter /FlateDecode " % (xref_number + 1)))
    out += b"startxref\n%d\n%%%%EOF\n" % xref_at
    return bytes(out)


def repeated_page(times: int) -> bytes:
    """A page tree that lists its one page `times` times and counts 1."""
    kids = b" ".join([b"3 0 R"] * times)
    return build([CATALOG % b"", PAGES.replace(b"[3 0 R]", b"[%s]" % kids) % 1,
                  PAGE % b"", stream(b"")])


def truncated() -> bytes:
    pdf = one_page()
    return pdf[: len(pdf) * 2 // 3]
