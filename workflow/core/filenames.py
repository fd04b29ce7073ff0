"""Names of downloaded files, made from text the app holds (titles, numbers, unit names),
never from the name an uploader gave a file: `x.html` or `evil.pdf.exe` must not come back.

send_file puts the name in Content-Disposition twice: UTF-8 in `filename*`, and an ASCII
fallback in `filename`."""
import re
import unicodedata

RESERVED = re.compile(r'[\\/:*?"<>|]+')
# Names Windows keeps for devices, whatever the extension.
DEVICES = frozenset({"CON", "PRN", "AUX", "NUL", *(f"COM{n}" for n in range(1, 10)),
                     *(f"LPT{n}" for n in range(1, 10))})
MAX_STEM = 120


def download_name(*parts: str, suffix: str = ".pdf", fallback: str = "document") -> str:
    """`parts` joined with "-" and cleaned so that every browser and file system takes the
    name as it is: control and format characters (CR, LF, bidirectional overrides) and
    separators become spaces, path separators and the characters Windows refuses become
    "_", leading and trailing dots go, at most MAX_STEM characters; then `suffix`."""
    cleaned = []
    for part in parts:
        text = unicodedata.normalize("NFC", str(part or ""))
        text = "".join(" " if unicodedata.category(ch)[0] in "CZ" else ch for ch in text)
        text = " ".join(RESERVED.sub("_", text).split()).strip(" .")
        if text:
            cleaned.append(text)
    stem = "-".join(cleaned)[:MAX_STEM].strip(" .") or fallback
    if stem.split(".")[0].upper() in DEVICES:
        stem = "_" + stem
    return stem + suffix
