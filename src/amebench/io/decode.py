"""Decode CSV bytes: encoding detection, mixed encodings, binary files, NUL bytes, line ends."""

from __future__ import annotations

import codecs
import re

from ..exceptions import ProfileError

__all__ = ["decode_text", "detect_encoding"]


def detect_encoding(data: bytes) -> str:
    """Return the encoding of CSV bytes.

    "utf-16" with a UTF-16 byte-order mark, "utf-8-sig" with a UTF-8 BOM, "utf-8" if
    the bytes decode as UTF-8, else "cp1252".
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


def _mixed_encoding(data: bytes) -> tuple[int, int] | None:
    """Return (a UTF-8 line, a non-UTF-8 line) if the file mixes encodings line by line."""
    if _UTF8_MULTIBYTE.search(data) is None:
        return None  # no UTF-8 character anywhere: a plain cp1252 file (the fast, common case)
    utf8_line = bad_line = None
    for i, line in enumerate(data.split(b"\n"), start=1):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            bad_line = bad_line or i
        else:
            if _UTF8_MULTIBYTE.search(line):
                utf8_line = utf8_line or i
        if utf8_line and bad_line:
            return utf8_line, bad_line
    return None


def _sniff_binary(data: bytes, label: str) -> None:
    head = data[:8]
    if head.startswith(b"PK\x03\x04"):
        raise ProfileError(f"{label}: is an Excel (.xlsx) or other zip file, not CSV text; give it the .xlsx extension")
    if head.startswith(b"PAR1"):
        raise ProfileError(f"{label}: is a Parquet file, not CSV text; give it the .parquet extension")
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ProfileError(f"{label}: is an old Excel (.xls) file; save it as .xlsx or CSV")


def decode_text(data: bytes, encoding: str, label: str) -> tuple[str, str]:
    """Decode a CSV file's bytes to text with one ``\\n`` per line end; return (text, encoding used).

    Parameters
    ----------
    data
        The file's bytes.
    encoding
        The profile's ``encoding`` ("auto", "utf-8", "utf-8-sig", "cp1252", "utf-16").
    label
        The file's name in messages.

    Raises
    ------
    ProfileError
        For a binary file (xlsx, parquet, xls) with a CSV name, bytes the encoding cannot
        decode (naming the line), a file that mixes UTF-8 and cp1252 lines, UTF-16 read as
        UTF-8 (or the reverse), or a NUL byte (naming the line).

    Notes
    -----
    CRLF (Windows) and lone CR (old Mac) line ends become ``\\n``, so physical line
    numbers count every kind of line end.
    """
    _sniff_binary(data, label)
    if encoding == "auto":
        encoding = detect_encoding(data)
        if encoding == "cp1252":
            mixed = _mixed_encoding(data)
            if mixed:
                raise ProfileError(
                    f"{label}: mixes encodings: line {mixed[0]} is UTF-8 but line {mixed[1]} is not "
                    "(cp1252?); save the whole file in one encoding (UTF-8)"
                )
    elif (encoding == "utf-16" and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
          and b"\x00" not in data):
        raise ProfileError(f'{label}: is not UTF-16 (no byte-order mark and no zero bytes); set encoding = "auto"')
    elif encoding in ("utf-8", "utf-8-sig") and data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ProfileError(f'{label}: is UTF-16 (it starts with a UTF-16 byte-order mark); '
                           'set encoding = "auto" or "utf-16"')
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        if encoding == "utf-16":
            raise ProfileError(f"{label}: cannot be decoded as UTF-16 (byte {exc.start}); the file is damaged "
                               "or not UTF-16: check encoding in the profile") from None
        line = _line_of(data, exc.start)
        if encoding == "cp1252":
            hint = ("the byte is not a character in cp1252 (nor part of UTF-8): the file is damaged "
                    "or in another encoding; save it as UTF-8")
        else:
            hint = 'set encoding = "auto" or "cp1252" in the profile'
        raise ProfileError(
            f"{label}: cannot be decoded as {encoding} (line {line}, byte {exc.start}); {hint}"
        ) from None
    text = text.lstrip("\ufeff")
    if "\r" in text:  # Windows (CRLF) and old Mac (CR) line ends: one newline each
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    nul = text.find("\x00")
    if nul >= 0:
        line = text.count("\n", 0, nul) + 1
        raise ProfileError(
            f"{label}: line {line} holds a NUL byte: the file is damaged, binary, or UTF-16 "
            'without a byte-order mark (then set encoding = "utf-16")'
        )
    return text, encoding
