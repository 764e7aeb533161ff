"""From bytes to text, the same way for the build, the validator, ``fix`` and ``/valida``.

The order (docs/decisions.md, "One reader", has the cases that decided it):

1. a byte-order mark names the encoding (UTF-8, UTF-16 LE/BE, UTF-32 LE/BE);
2. UTF-16 without a BOM is recognised by its NUL bytes (Latin text has a NUL every other byte);
3. NUL and other control bytes mean a binary file, refused;
4. strict UTF-8; a file that is UTF-8 throughout but double-encoded (``CittÃ\\xa0``: UTF-8 bytes read as cp1252 and
   saved as UTF-8 again) is decoded once more, so every cell is repaired; one double-encoded cell among correct
   ones is left for the ``mojibake`` check and :func:`repair`;
5. a file mixing UTF-8 lines with lines in another encoding (two files pasted together) is refused;
6. otherwise the single-byte code pages of Western and Central European files, in this order of preference:
   cp1252 (Windows, Excel's "CSV"), ISO-8859-15, cp850 (Excel's "CSV (MS-DOS)"), Mac Roman (Excel's
   "CSV (Macintosh)"), cp1250 (Central Europe). Each is scored on the characters it gives the non-ASCII bytes in
   their context: a control character, a combining mark or a symbol glued to a letter (``Forl“``, ``Citt‡``,
   ``z³oty``) is implausible; an accented vowel closing an Italian word after a consonant (``città``, ``Forlì``)
   is the expected. The least implausible wins, then the most expected, then the earlier in the list.
   charset-normalizer is not asked: on short files it answers cp1250 or cp1258 for Italian text
   (``Forlì`` → ``Forlě``, ``Forl`` + a combining accent);
7. the text is put in Unicode normal form C (macOS writes ``ì`` as ``i`` + a combining grave accent).

Line breaks are left as they are: bare CR (old Mac files), LF and CRLF all end records for the CSV reader, and a
line break inside a quoted cell stays in the cell.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from typing import NamedTuple, NoReturn

from cowork_data import i18n
from cowork_data.errors import UnreadableFileError
from cowork_data.readers.model import container_fix, subject_text

__all__ = ["CANDIDATES", "Decoded", "decode", "repair", "utf16_variant"]

BOMS = ((b"\x00\x00\xfe\xff", "utf-32-be"), (b"\xff\xfe\x00\x00", "utf-32-le"), (b"\xef\xbb\xbf", "utf-8"),
        (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))
#: Single-byte code pages tried for text that is not UTF-8, in order of preference (ties go to the earlier).
CANDIDATES = ("cp1252", "iso8859_15", "cp850", "mac_roman", "cp1250")
#: Decodes every byte: used when no candidate decodes the file (never the case for cp850), so nothing is lost.
LAST_RESORT = "latin-1"
#: What ftfy can change in ASCII text: HTML entities, terminal escapes, CR line breaks, control characters.
_FTFY_ASCII = re.compile(r"[&\x00-\x08\x0b-\x1f\x7f]")
SCAN_BYTES = 8192
#: Bytes of the lines with non-ASCII bytes scored to choose a code page (the whole file is decoded in it).
SAMPLE_BYTES = 256 * 1024

_HIGH_RUN = re.compile(rb"([\x80-\xff]+)")
_CONTROL = re.compile(rb"[\x00-\x08\x0e-\x1f]")
#: Non-letters that open a word (fine before a letter), close one (fine after a letter), or sit anywhere.
_OPENING = set("“‘«¿¡")
_CLOSING = set("”»…²³®™©ªº")
_ANYWHERE = set("’´·–—\xa0°")
_ODD_CATEGORIES = {"Cc", "Cf", "Co", "Cn", "Mn", "Me", "Lm", "Sk"}
#: Characters no European text holds, which a wrong code page gives (the florin sign, the Turkish dotless i, …).
_ODD = set("¤ƒıÿ")
#: Vowels the languages of Italy (and French, German, Spanish) write only at the end of a word.
_NEVER_INSIDE = set("ìòù")
#: Vowels with a circumflex, which they write only inside a word ("Châtillon", "Hône").
_NEVER_FINAL = set("âêîôû")
_FINAL_VOWELS = set("àèéìòùÀÈÉÌÒÙ")
_CONSONANTS = set("bcdfghjklmnpqrstvwxzBCDFGHJKLMNPQRSTVWXZ")


class Decoded(NamedTuple):
    """The text of a file and the encoding it was read in (``utf-8 (double-encoded)`` when decoded twice)."""

    text: str
    encoding: str


def decode(data: bytes, *, name: str = "") -> Decoded:
    """The text of ``data`` and its encoding; raises :class:`UnreadableFileError` for binary or mixed files.

    ``name`` is the file's name for the messages.
    """
    bom, encoding = next(((b, e) for b, e in BOMS if data.startswith(b)), (b"", utf16_variant(data)))
    if encoding and encoding != "utf-8":
        return _wide(data[len(bom):], encoding, name)
    data = data[len(bom):].rstrip(b"\x1a")  # the end-of-file mark of DOS programs
    if b"\x00" in data or _CONTROL.search(data, 0, SCAN_BYTES):
        _binary(name, data.count(0))
    return _utf8(data, name) or _single_byte(data, name)


def repair(cell: str) -> str:
    """A cell with double-encoded UTF-8 undone (``SpecialitÃ\\xa0`` → ``Specialità``) and outer spaces trimmed.

    Printable ASCII without ``&`` is what ftfy leaves as it is (no mojibake, HTML entity, terminal escape, line
    break or control character to fix), so it is only trimmed: most cells, at a fraction of the cost."""
    if not cell:
        return ""
    if cell.isascii() and not _FTFY_ASCII.search(cell):
        return cell.strip()
    import ftfy

    return ftfy.fix_text(cell).strip()


def utf16_variant(data: bytes) -> str:
    """``utf-16-le`` / ``-be`` when every other byte of the start is NUL (Latin text in UTF-16 without a BOM)."""
    sample = data[:SCAN_BYTES]
    sample = sample[:len(sample) - len(sample) % 2]
    half = len(sample) // 2
    if half < 2:
        return ""
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if odd >= 0.7 * half and even <= 0.02 * half:
        return "utf-16-le"
    if even >= 0.7 * half and odd <= 0.02 * half:
        return "utf-16-be"
    return ""


def _normal(text: str, encoding: str) -> Decoded:
    return Decoded(text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text), encoding)


def _wide(data: bytes, encoding: str, name: str) -> Decoded:
    try:
        text = data.decode(encoding).lstrip("\ufeff")
    except UnicodeDecodeError:
        _binary(name, data.count(0))
    if any(ord(c) < 9 or 13 < ord(c) < 32 for c in text[:SCAN_BYTES]):
        _binary(name, text.count("\x00"))
    return _normal(text, encoding)


def _utf8(data: bytes, name: str) -> Decoded | None:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        _refuse_mixed(name, data)
        return None
    if not text.isascii():
        import ftfy.bad_codecs  # noqa: F401 - registers "sloppy-windows-1252" (imported here: ftfy takes 0.1 s)

        for codec in ("sloppy-windows-1252", "latin-1"):
            try:
                once = text.encode(codec).decode("utf-8")
            except UnicodeError:
                continue
            if once != text:
                return _normal(once, "utf-8 (double-encoded)")
    return _normal(text, "utf-8")


def _single_byte(data: bytes, name: str) -> Decoded:
    sample, size = [], 0
    for line in data.splitlines():  # the lines with non-ASCII bytes, up to SAMPLE_BYTES of them, are scored
        if not line.isascii():
            sample.append(line)
            size += len(line)
            if size > SAMPLE_BYTES:
                break
    parts = _HIGH_RUN.split(b"\n".join(sample))  # ASCII, run, ASCII, run, …, ASCII
    contexts = Counter((parts[i - 1][-1:], parts[i], parts[i + 1][:1]) for i in range(1, len(parts), 2))
    candidates = list(CANDIDATES)
    if data.count(b"\r") > 2 * data.count(b"\n"):  # bare CR ends the lines: a Macintosh file
        candidates.insert(2, candidates.pop(candidates.index("mac_roman")))
    scored = sorted((score, rank, codec) for rank, codec in enumerate(candidates)
                    if (score := _score(codec, contexts)) is not None)
    for _, _, codec in scored:  # a byte beyond the sample may be undefined in the best code page
        try:
            return Decoded(data.decode(codec), codec)  # single-byte code pages give composed letters only
        except UnicodeDecodeError:
            continue
    return Decoded(data.decode(LAST_RESORT), LAST_RESORT)


def _score(codec: str, contexts: Counter) -> tuple[int, int] | None:
    """(implausible characters, minus expected ones) of reading every non-ASCII run with ``codec``; None if it fails."""
    odd = expected = 0
    for (before, run, after), count in contexts.items():
        try:
            chars = run.decode(codec)
        except UnicodeDecodeError:
            return None
        text = before.decode("latin-1") + chars + after.decode("latin-1")
        first, last = len(before), len(before) + len(chars)
        for i in range(first, last):
            prev = text[i - 1] if i else ""
            nxt = text[i + 1] if i + 1 < len(text) else ""
            bad, good = _judge(prev, text[i], nxt)
            odd += bad * count
            expected += good * count
    return odd, -expected


def _judge(prev: str, char: str, nxt: str) -> tuple[int, int]:
    """(1, 0) for an implausible character between ``prev`` and ``nxt``, (0, 1) for an expected one, else (0, 0)."""
    if char in _ANYWHERE:
        return 0, 0
    if char in _OPENING:
        return int(prev.isalpha()), 0
    if char in _CLOSING:
        return int(nxt.isalpha()), 0
    category = unicodedata.category(char)
    if category in _ODD_CATEGORIES or char in _ODD:
        return 1, 0
    if category[0] != "L":
        return int(prev.isalpha() or nxt.isalpha()), 0
    if category == "Lu" and prev.isalpha() and (prev.islower() or nxt.islower()):
        return 1, 0  # an upper-case letter inside a word: "CittÓ", "MŸhlbach"
    if category == "Ll" and (nxt.isupper() or (char in _NEVER_INSIDE and nxt.isalpha())):
        return 1, 0  # "SantïAgata"; "Jovenìan"
    if not nxt.isalpha() and prev.isalpha():
        if char in _FINAL_VOWELS and prev in _CONSONANTS:
            return 0, 1
        if char in _NEVER_FINAL:
            return 1, 0  # "Arquê"
    return 0, 0


def _binary(name: str, nuls: int) -> NoReturn:
    raise UnreadableFileError("error.read-binary", subject=subject_text(name), fix=container_fix("save-as"),
                              nuls=i18n.Text.of("label.nul-bytes", count=nuls) if nuls else "")


def _refuse_mixed(name: str, data: bytes) -> None:
    """Refuse a file where some lines are UTF-8 with accents and others are not UTF-8 (two files pasted together)."""
    utf8, other = [], []
    for number, line in enumerate(data.splitlines(), start=1):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
            utf8.append(number)
        except UnicodeDecodeError:
            other.append(number)
    if utf8 and other:
        raise UnreadableFileError("error.read-mixed-encodings", subject=subject_text(name),
                                  utf8=", ".join(map(str, utf8[:5])), other=", ".join(map(str, other[:5])))
