"""Changing a form definition one piece at a time, as the officer's builder does: each
function returns a changed deep copy of the stored JSON it is given and leaves that one as it
was; operations.save checks the copy (schema.problems) and keeps it. A piece is named by its
kind ("sections", "fields" or "attachments") and its key: keys are unique over the form."""
import copy

PIECES = ("sections", "fields", "attachments")
# What the field editor sets; any other entry of a stored field is kept as it was.
FIELD_ENTRIES = ("key", "label", "kind", "required", "limit", "minimum", "maximum", "unit",
                 "choices", "columns", "min_rows", "max_rows", "condition", "name",
                 "years_back", "help")


def _lists(definition: dict, kind: str) -> list[list]:
    """The lists that hold the pieces of `kind`: a field lives in its section's list."""
    if kind == "fields":
        return [s.setdefault("fields", []) for s in definition.get("sections") or []]
    return [definition.setdefault(kind, [])]


def find(definition: dict, kind: str, key: str) -> dict | None:
    """The stored piece of `kind` keyed `key`, or None."""
    if kind not in PIECES:
        return None
    return next((piece for pieces in _lists(definition, kind) for piece in pieces
                 if piece.get("key") == key), None)


def section_of(definition: dict, field_key: str) -> dict | None:
    return next((s for s in definition.get("sections") or []
                 if any(f.get("key") == field_key for f in s.get("fields") or [])), None)


def keys_above(definition: dict, *, section_key: str, field_key: str | None = None) -> list:
    """The fields a field may depend on: every field before it (a new field goes to the end
    of section `section_key`), as (key, label) pairs."""
    above = []
    for section in definition.get("sections") or []:
        for raw in section.get("fields") or []:
            if raw.get("key") == field_key and field_key is not None:
                return above
            above.append((raw.get("key"), raw.get("label")))
        if section.get("key") == section_key:
            return above
    return above


def put_section(definition: dict, raw: dict, *, replacing: str | None = None,
                first_field: dict | None = None) -> dict:
    """`raw` (key and title) as the section keyed `replacing`, keeping its fields; or, when
    `replacing` is None, a new last section holding `first_field`."""
    new = copy.deepcopy(definition)
    if replacing is None:
        new.setdefault("sections", []).append(
            {**raw, "fields": [first_field] if first_field else []})
    else:
        find(new, "sections", replacing).update(raw)
    return new


def put_field(definition: dict, section_key: str, raw: dict, *,
              replacing: str | None = None) -> dict:
    """`raw` as the field keyed `replacing` (where it stands), or as a new last field of the
    section keyed `section_key`."""
    new = copy.deepcopy(definition)
    if replacing is None:
        find(new, "sections", section_key)["fields"].append(raw)
        return new
    fields = section_of(new, replacing)["fields"]
    index = next(i for i, f in enumerate(fields) if f.get("key") == replacing)
    kept = {k: v for k, v in fields[index].items() if k not in FIELD_ENTRIES}
    fields[index] = {**kept, **raw}
    return new


def put_attachment(definition: dict, raw: dict, *, replacing: str | None = None) -> dict:
    new = copy.deepcopy(definition)
    if replacing is None:
        new.setdefault("attachments", []).append(raw)
    else:
        find(new, "attachments", replacing).update(raw)
    return new


def remove(definition: dict, kind: str, key: str) -> dict:
    new = copy.deepcopy(definition)
    for pieces in _lists(new, kind):
        pieces[:] = [p for p in pieces if p.get("key") != key]
    return new


def move(definition: dict, kind: str, key: str, step: int) -> dict:
    """The piece one place up (`step` -1) or down (+1) within its list; at an end, unmoved."""
    new = copy.deepcopy(definition)
    for pieces in _lists(new, kind):
        index = next((i for i, p in enumerate(pieces) if p.get("key") == key), None)
        if index is not None and 0 <= index + step < len(pieces):
            pieces[index], pieces[index + step] = pieces[index + step], pieces[index]
    return new
