"""Bytes to text: binary checks, encoding detection, bounded reads.

Files saved from Excel arrive as UTF-8 (with or without a BOM), UTF-16 (Excel's
"Unicode text", Qualtrics TSV), Windows-1252 or, from Excel for Mac's "CSV (Macintosh)",
Mac Roman with CR line ends. :func:`detect_encoding` decides
by scanning the bytes in chunks (constant memory, fast), so a 200 MB export is
never held in memory.
"""
from __future__ import annotations

import codecs
import re
import io
from pathlib import Path

from ..errors import InputError

HEAD_BYTES = 64 * 1024
_CHUNK = 1024 * 1024

ZIP_MAGIC = b"PK\x03\x04"
ZIP_EMPTY_MAGIC = b"PK\x05\x06"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls / .doc
_BINARY_MAGIC = {
    b"%PDF": "a PDF document",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"SQLite format 3": "an SQLite database",
    b"\x1f\x8b": "a gzip archive",
    b"ID3": "an audio file",
    b"RIFF": "an audio/video file",
    b"\x00\x00\x00\x18ftyp": "a video file",
    b"\x00\x00\x00\x1cftyp": "a video file",
    b"\x00\x00\x00\x20ftyp": "a video file",
    b"{\\rtf": "an RTF document",
}


def read_head(path: Path, n: int = HEAD_BYTES) -> bytes:
    try:
        with open(path, "rb") as fh:
            return fh.read(n)
    except OSError as exc:
        raise InputError(f"cannot open the file ({exc.strerror or exc}); check that it exists and is readable", path) from exc


def binary_kind(head: bytes) -> str | None:
    """Describe ``head`` if it is a binary file copquotes cannot read as text, else None.

    ZIP containers (XLSX/DOCX) are *not* reported here: they are checked separately.
    """
    if head.startswith(ZIP_MAGIC) or head.startswith(ZIP_EMPTY_MAGIC):
        return None
    if head.startswith(OLE_MAGIC):
        return "a legacy (.xls/.doc) or password-protected Office file"
    for magic, what in _BINARY_MAGIC.items():
        if head.startswith(magic):
            return what
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None
    if b"\x00" in head[:8192]:
        # UTF-16 without a BOM: every other byte NUL in mostly-ASCII text
        sample = head[:8192]
        odd, even = sample[1::2], sample[0::2]
        if len(sample) >= 4 and ((odd.count(0) > 0.9 * len(odd) and even.count(0) < 0.1 * len(even)) or
                                 (even.count(0) > 0.9 * len(even) and odd.count(0) < 0.1 * len(odd))):
            return None  # text: one byte of each pair NUL, the other not (runs of NULs are not text)
        if sample.count(0) > max(8, len(sample) // 200):
            return "a binary file"
        # a few stray NULs in text (a damaged export): the readers drop them and say where
    # control characters other than tab/newline/carriage return/form feed
    ctrl = sum(1 for b in head[:8192] if 0 < b < 32 and b not in (9, 10, 12, 13))
    if head and ctrl > max(4, len(head[:8192]) // 50):
        return "a binary file"
    return None


def detect_encoding(path: Path) -> str:
    """Return the codec to read ``path`` with: utf-8-sig, utf-16, cp1252 or mac_roman.

    Scans the whole file in 1 MB chunks with an incremental UTF-8 decoder (bounded
    memory); any invalid sequence means the file is not UTF-8 and Windows-1252 is
    used (the encoding of Excel's "CSV" on English Windows), or Mac Roman when the lines
    end in CR alone (Excel for Mac's "CSV (Macintosh)").
    """
    head = read_head(path, 4)
    if head.startswith(codecs.BOM_UTF16_LE) or head.startswith(codecs.BOM_UTF16_BE):
        return "utf-16"
    if len(head) >= 4 and head[1] == 0 and head[3] == 0 and head[0] != 0:
        return "utf-16-le"
    if len(head) >= 4 and head[0] == 0 and head[2] == 0 and head[1] != 0:
        return "utf-16-be"
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with open(path, "rb") as fh:
            while True:
                chunk = fh.read(_CHUNK)
                if not chunk:
                    decoder.decode(b"", final=True)
                    break
                decoder.decode(chunk)
    except UnicodeDecodeError:
        if _has_utf8_sequences(path):
            return MIXED
        return MAC_ROMAN if _mac_line_ends(path) and _reads_as_mac_roman(path) else "cp1252"
    return "utf-8-sig"


#: Excel for Mac's "CSV (Macintosh)" / "Tab delimited text (Mac)": Mac Roman, lines ended by CR alone
MAC_ROMAN = "mac_roman"


def _mac_line_ends(path: Path) -> bool:
    """Lines ended by a carriage return alone (no line feed anywhere in the head): a classic Mac text file."""
    head = read_head(path)
    return b"\r" in head and b"\n" not in head


_TYPOGRAPHY = set("‘’“”–—…")


def _fit(text: str) -> int:
    """How well a decoding reads: typographic punctuation and accented lower-case letters inside a word
    count for it, accented capitals after a lower-case letter ("CafÈ", "Itís" has í: inside a word) against."""
    score = sum(1 for ch in text if ch in _TYPOGRAPHY)
    for prev, ch in zip(text, text[1:]):
        if ord(ch) > 127 and ch.isalpha() and prev.isascii() and prev.islower():
            score += 1 if ch.islower() else -1
    return score


def _reads_as_mac_roman(path: Path) -> bool:
    """Whether the non-ASCII bytes read better as Mac Roman than as Windows-1252: CR line ends alone do not
    make a Mac file (a Windows-1252 export with CR line ends keeps its "’" and "é")."""
    head = read_head(path)
    return _fit(head.decode(MAC_ROMAN, "replace")) >= _fit(head.decode("cp1252", "replace"))


#: UTF-8 with some Windows-1252 bytes pasted in (a sheet edited in two programs): each invalid byte
#: is read as Windows-1252, the rest as UTF-8, so neither half turns into "â€™" mojibake
MIXED = "utf-8-sig+cp1252"
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


def _has_utf8_sequences(path: Path) -> bool:
    """Two or more well-formed UTF-8 multi-byte characters (a real Windows-1252 file has next to none)."""
    found = 0
    with open(path, "rb") as fh:
        while True:
            chunk = fh.read(_CHUNK)
            if not chunk:
                return False
            found += len(_UTF8_MULTIBYTE.findall(chunk))
            if found >= 2:
                return True


def _utf8_cp1252_fallback(err: UnicodeDecodeError):
    return (err.object[err.start:err.end].decode("cp1252", errors="copquotes-cp1252"), err.end)


def _cp1252_fallback(err: UnicodeDecodeError):
    # the five bytes cp1252 leaves undefined: take them as Latin-1 rather than fail
    return (err.object[err.start:err.end].decode("latin-1"), err.end)


codecs.register_error("copquotes-cp1252", _cp1252_fallback)
codecs.register_error("copquotes-utf8-cp1252", _utf8_cp1252_fallback)


def open_text(path: Path, encoding: str | None = None, newline: str | None = None) -> io.TextIOBase:
    """Open ``path`` as text in the detected encoding (streams; nothing is preloaded)."""
    enc = encoding or detect_encoding(path)
    errors = "copquotes-cp1252" if enc == "cp1252" else "replace" if enc.startswith("utf-16") else "strict"
    if enc == MIXED:
        enc, errors = "utf-8-sig", "copquotes-utf8-cp1252"
    try:
        return open(path, "r", encoding=enc, errors=errors, newline=newline)
    except OSError as exc:
        raise InputError(f"cannot open the file ({exc.strerror or exc}); check that it exists and is readable", path) from exc


def decode_head(path: Path, n: int = HEAD_BYTES) -> str:
    """Decode the first ``n`` bytes with the file's encoding (a partial last character is dropped)."""
    raw = read_head(path, n)
    enc = detect_encoding(path)
    if enc == "cp1252":
        return raw.decode("cp1252", errors="copquotes-cp1252")
    if enc == MIXED:
        return codecs.getincrementaldecoder("utf-8-sig")(errors="copquotes-utf8-cp1252").decode(raw, final=False)
    dec = codecs.getincrementaldecoder(enc)(errors="replace")
    return dec.decode(raw, final=False)


def check_not_empty(path: Path) -> None:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputError(f"cannot open the file ({exc.strerror or exc}); check that it exists", path) from exc
    if size == 0:
        raise InputError("the file is empty; export it again or remove it from the input", path)


def is_blank_text(text: str) -> bool:
    return not text.strip(" \t\r\n\ufeff\u00a0")
