"""Compacting the fonts WeasyPrint embeds, so that a one-page letter in CJK stays small.

WeasyPrint subsets each font but keeps the glyph ids ("retain gids"): the embedded font
still has a slot, an advance width and a vertical metric for every glyph up to the last one
used, which for a CJK font is tens of thousands (a letter carried 220 KB of fonts for about
160 glyphs). Here each embedded font is subset again to the glyphs the PDF uses, with
contiguous ids, and the PDF is rewritten to match: the codes in the text of every content
stream, the widths (/W) and the text map (/ToUnicode). Viewers read such a font as any
other subset font, CFF or TrueType alike (they do not all honour a CFF charset that keeps
the old ids as CIDs, hence the rewrite). Vertical metrics (vmtx, vhea, VORG) go too: the
documents are set horizontally.

Only what WeasyPrint writes is touched: Type0 fonts with Identity-H encoding over a CIDFont
with an Identity CIDToGIDMap. When anything does not fit (an unknown code, a font HarfBuzz
cannot subset), the PDF is returned unchanged. The subsetting is HarfBuzz's
(libharfbuzz-subset, through cffi, as WeasyPrint itself calls it); without the library the
PDF is left as it is.
"""
import ctypes.util
import io
import re
from functools import cache

import cffi
import pikepdf

_DECLARATIONS = """
typedef struct hb_blob_t hb_blob_t;
typedef struct hb_face_t hb_face_t;
typedef struct hb_set_t hb_set_t;
typedef struct hb_map_t hb_map_t;
typedef struct hb_subset_input_t hb_subset_input_t;
typedef struct hb_subset_plan_t hb_subset_plan_t;
hb_blob_t *hb_blob_create (const char *data, unsigned int length, int mode,
                           void *user_data, void *destroy);
void hb_blob_destroy (hb_blob_t *blob);
const char *hb_blob_get_data (hb_blob_t *blob, unsigned int *length);
hb_face_t *hb_face_create (hb_blob_t *blob, unsigned int index);
void hb_face_destroy (hb_face_t *face);
hb_blob_t *hb_face_reference_blob (hb_face_t *face);
void hb_set_add (hb_set_t *set, uint32_t codepoint);
uint32_t hb_map_get (const hb_map_t *map, uint32_t key);
uint32_t hb_tag_from_string (const char *str, int len);
hb_subset_input_t *hb_subset_input_create_or_fail (void);
void hb_subset_input_destroy (hb_subset_input_t *input);
hb_set_t *hb_subset_input_glyph_set (hb_subset_input_t *input);
hb_set_t *hb_subset_input_set (hb_subset_input_t *input, int set_type);
void hb_subset_input_set_flags (hb_subset_input_t *input, unsigned int value);
hb_subset_plan_t *hb_subset_plan_create_or_fail (hb_face_t *face,
                                                 const hb_subset_input_t *input);
void hb_subset_plan_destroy (hb_subset_plan_t *plan);
const hb_map_t *hb_subset_plan_old_to_new_glyph_mapping (const hb_subset_plan_t *plan);
hb_face_t *hb_subset_plan_execute_or_fail (hb_subset_plan_t *plan);
"""
_MEMORY_MODE_READONLY = 1
_SETS_DROP_TABLE_TAG = 3
_NO_GLYPH = 0xFFFFFFFF
_FLAGS = 0x01 | 0x20  # no hinting (the glyphs print large); keep tables it does not know
_DROPPED_TABLES = (b"vmtx", b"vhea", b"VORG", b"GSUB", b"GPOS", b"BASE", b"DSIG", b"LTSH",
                   b"hdmx", b"VDMX", b"kern")
_TEXT_OPERATORS = {"Tj", "TJ", "'", '"'}
_BFCHAR = re.compile(rb"beginbfchar(.*?)endbfchar", re.S)
_BFCHAR_PAIR = re.compile(rb"<([0-9a-fA-F]{4})>(\s*<[0-9a-fA-F]*>)")


class CannotCompact(Exception):
    """The PDF holds something the compaction does not handle; it is left as it is."""


@cache
def _harfbuzz():
    """(ffi, library), or None when libharfbuzz-subset is not installed."""
    name = ctypes.util.find_library("harfbuzz-subset")
    if name is None:
        return None
    ffi = cffi.FFI()
    ffi.cdef(_DECLARATIONS)
    return ffi, ffi.dlopen(name)


def subset_font(data: bytes, glyphs: set[int]) -> tuple[bytes, dict[int, int]]:
    """The font `data` cut down to `glyphs` (and .notdef, and the components they are made
    of), and each old glyph id's new one; CannotCompact when HarfBuzz fails."""
    loaded = _harfbuzz()
    if loaded is None:
        raise CannotCompact("libharfbuzz-subset is not installed")
    ffi, hb = loaded
    buffer = ffi.from_buffer(data)
    blob = hb.hb_blob_create(buffer, len(data), _MEMORY_MODE_READONLY, ffi.NULL, ffi.NULL)
    face = hb.hb_face_create(blob, 0)
    request = hb.hb_subset_input_create_or_fail()
    plan = subset = ffi.NULL
    try:
        if request == ffi.NULL:
            raise CannotCompact("no memory for a subset")
        wanted = hb.hb_subset_input_glyph_set(request)
        for glyph in (0, *glyphs):
            hb.hb_set_add(wanted, glyph)
        dropped = hb.hb_subset_input_set(request, _SETS_DROP_TABLE_TAG)
        for tag in _DROPPED_TABLES:
            hb.hb_set_add(dropped, hb.hb_tag_from_string(tag, 4))
        hb.hb_subset_input_set_flags(request, _FLAGS)
        plan = hb.hb_subset_plan_create_or_fail(face, request)
        if plan == ffi.NULL:
            raise CannotCompact("HarfBuzz cannot plan the subset")
        old_to_new = hb.hb_subset_plan_old_to_new_glyph_mapping(plan)
        mapping = {glyph: hb.hb_map_get(old_to_new, glyph) for glyph in glyphs}
        if _NO_GLYPH in mapping.values():
            raise CannotCompact("a glyph the PDF uses is not in its font")
        subset = hb.hb_subset_plan_execute_or_fail(plan)
        if subset == ffi.NULL:
            raise CannotCompact("HarfBuzz cannot subset the font")
        result = hb.hb_face_reference_blob(subset)
        length = ffi.new("unsigned int *")
        out = bytes(ffi.buffer(hb.hb_blob_get_data(result, length), length[0]))
        hb.hb_blob_destroy(result)
        return out, mapping
    finally:
        for pointer, destroy in ((subset, hb.hb_face_destroy), (plan, hb.hb_subset_plan_destroy),
                                 (request, hb.hb_subset_input_destroy)):
            if pointer != ffi.NULL:
                destroy(pointer)
        hb.hb_face_destroy(face)
        hb.hb_blob_destroy(blob)


def _widths(cid_font: pikepdf.Dictionary) -> dict[int, object]:
    """CID -> width from a /W array; WeasyPrint lists every glyph it uses there."""
    array, widths, i = cid_font.get("/W", pikepdf.Array()), {}, 0
    while i + 1 < len(array):
        first, then = int(array[i]), array[i + 1]
        if isinstance(then, pikepdf.Array):
            widths.update((first + k, width) for k, width in enumerate(then))
            i += 2
        else:
            widths.update((cid, array[i + 2]) for cid in range(first, int(then) + 1))
            i += 3
    return widths


def _font_file(cid_font: pikepdf.Dictionary):
    descriptor = cid_font.get("/FontDescriptor")
    key = {"/CIDFontType0": "/FontFile3", "/CIDFontType2": "/FontFile2"}.get(
        str(cid_font.get("/Subtype")))
    if descriptor is None or key is None or key not in descriptor or "/CIDSet" in descriptor:
        return None
    return descriptor[key]


def _compact_font(pdf: pikepdf.Pdf, font: pikepdf.Dictionary) -> dict[int, int] | None:
    """Subset one Type0 font; the old code -> new code map, or None to leave it alone."""
    if font.get("/Encoding") != "/Identity-H" or len(font.get("/DescendantFonts", ())) != 1:
        return None
    cid_font = font.DescendantFonts[0]
    program = _font_file(cid_font)
    widths = _widths(cid_font)
    if program is None or cid_font.get("/CIDToGIDMap", "/Identity") != "/Identity" \
            or not widths:
        return None
    data, mapping = subset_font(program.read_bytes(), set(widths))
    program.write(data)
    if "/Length1" in program:
        program.Length1 = len(data)
    cid_font.W = _width_array(
        sorted((mapping[cid], width) for cid, width in widths.items()))
    if "/ToUnicode" in font:
        font.ToUnicode.write(_renumber_to_unicode(font.ToUnicode.read_bytes(), mapping))
    return mapping


def _width_array(widths: list[tuple[int, object]]) -> pikepdf.Array:
    """[first [w w ...] first [w ...] ...]: one run per stretch of consecutive codes."""
    array, run, previous = pikepdf.Array(), None, None
    for code, width in widths:
        if run is None or code != previous + 1:
            run = pikepdf.Array()
            array.extend([code, run])
        run.append(width)
        previous = code
    return array


def _renumber_to_unicode(cmap: bytes, mapping: dict[int, int]) -> bytes:
    """The /ToUnicode CMap with each source code of its bfchar entries renumbered."""
    def pair(match: re.Match) -> bytes:
        code = int(match.group(1), 16)
        if code not in mapping:
            raise CannotCompact(f"text for an unused code {code}")
        return b"<%04x>%s" % (mapping[code], match.group(2))

    return _BFCHAR.sub(lambda section: _BFCHAR_PAIR.sub(pair, section.group(0)), cmap)


def _renumber_string(text: pikepdf.String, mapping: dict[int, int]) -> pikepdf.String:
    raw = bytes(text)
    if len(raw) % 2:
        raise CannotCompact("a string of odd length for a two-byte encoding")
    out = bytearray()
    for i in range(0, len(raw), 2):
        code = int.from_bytes(raw[i:i + 2], "big")
        if code not in mapping:
            raise CannotCompact(f"code {code} has no width, so no glyph in the subset")
        out += mapping[code].to_bytes(2, "big")
    return pikepdf.String(bytes(out))


def _renumber_operands(operator: str, operands: list, mapping: dict[int, int]) -> list:
    if operator == "TJ":
        return [pikepdf.Array([_renumber_string(item, mapping)
                               if isinstance(item, pikepdf.String) else item
                               for item in operands[0]])]
    return [*operands[:-1], _renumber_string(operands[-1], mapping)]


def _rewrite_content(content, resources, mappings: dict) -> bytes | None:
    """The content stream with its text in renumbered fonts rewritten; None if unchanged."""
    fonts = resources.get("/Font", {}) if resources is not None else {}
    current, saved, changed, instructions = None, [], False, []
    for instruction in pikepdf.parse_content_stream(content):
        operands, operator = list(instruction.operands), str(instruction.operator)
        if operator == "q":
            saved.append(current)
        elif operator == "Q" and saved:
            current = saved.pop()
        elif operator == "Tf":
            font = fonts.get(str(operands[0]))
            if font is None:
                raise CannotCompact(f"font {operands[0]} is not among the resources")
            current = mappings.get(font.objgen)
        elif operator in _TEXT_OPERATORS and current is not None:
            operands, changed = _renumber_operands(operator, operands, current), True
        instructions.append((operands, pikepdf.Operator(operator)))
    return pikepdf.unparse_content_stream(instructions) if changed else None


def _content_streams(pdf: pikepdf.Pdf):
    """(owner, resources) of every content stream: the pages and the form XObjects."""
    for page in pdf.pages:
        yield page, page.obj.get("/Resources")
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == "/Form":
            yield obj, obj.get("/Resources")


def compact_fonts(data: bytes) -> bytes:
    """The PDF `data` with each embedded CID font subset to the glyphs it uses, or `data`
    itself when that cannot be done safely."""
    if _harfbuzz() is None:
        return data
    with pikepdf.open(io.BytesIO(data)) as pdf:
        try:
            mappings = {}
            for obj in pdf.objects:
                if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/Font" \
                        and obj.get("/Subtype") == "/Type0":
                    mapping = _compact_font(pdf, obj)
                    if mapping is not None:
                        mappings[obj.objgen] = mapping
            if not mappings:
                return data
            for owner, resources in _content_streams(pdf):
                rewritten = _rewrite_content(owner, resources, mappings)
                if rewritten is None:
                    continue
                if isinstance(owner, pikepdf.Page):
                    owner.obj.Contents = pdf.make_stream(rewritten)
                else:
                    owner.write(rewritten)
        except CannotCompact:
            return data
        out = io.BytesIO()
        pdf.save(out, compress_streams=True, deterministic_id=True,
                 object_stream_mode=pikepdf.ObjectStreamMode.generate)
        return out.getvalue()
