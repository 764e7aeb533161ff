"""Parsers of single published values into the canonical formats of docs/tables.md.

Each returns the canonical text, or `""` when the value is missing or cannot be read with confidence.
"""

from __future__ import annotations

import re

import phonenumbers

from cowork_data.declaration import codes
from cowork_data.normalise.text import fold

__all__ = [
    "FEATURES", "address", "coordinate", "decimal_degrees", "email", "features", "open_since", "phone", "postcode",
    "space_type", "website", "wheelchair", "workstations",
]

#: The codes of the features concept scheme (``vocab/features.ttl``), in its order.
FEATURES = tuple(codes("features"))
_FEATURE_WORDS = {
    "wifi": r"wi-?fi|wireless|banda larga|fibra",
    "meeting-room": r"sal[ae] (?:riunion|meeting)|meeting room",
    "3d-printer": r"stampant[ei] 3d|3d print",
    "laser-cutter": r"taglio laser|laser ?cutter|tagliatrice laser",
    "cnc-machine": r"\bcnc\b|fresatrice",
    "event-space": r"(?:spazi|sal)[oaei] (?:per )?eventi|event space",
    "kitchen": r"cucina|angolo cottura|kitchen",
    "lockers": r"armadiett|locker",
    "printer": r"stampant[ei](?! ?3d)|printer",
}
_SPACE_TYPES = {"coworking": "coworking", "fablab": "fablab", "fab lab": "fablab", "makerspace": "makerspace",
                "maker space": "makerspace", "hackerspace": "hackerspace", "hacklab": "hackerspace"}
_MONTHS = ("gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre", "ottobre",
           "novembre", "dicembre")
_HOUSE_NUMBER = re.compile(r"^(?P<street>.*?)[\s,]+(?P<number>\d+(?:\s*/\s*[a-z0-9]+|\s*(?:bis|ter|[a-z]))?)$", re.I)
_SMALL_WORDS = {"di", "del", "della", "delle", "dei", "degli", "dello", "da", "dal", "e", "al", "alla", "alle", "ai",
                "agli", "in", "sul", "sulla"}
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"\+?\d[\d\s./-]{4,}\d")


def phone(text: str) -> str:
    """E.164 (`+390289093111`); repairs a number stored as a number, which lost its leading 0 (`289093111`)."""
    match = _PHONE.search(text.strip())
    if not match:
        return ""
    digits = re.sub(r"[^\d+]", "", re.sub(r"\.0$", "", match.group()))
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    elif digits.startswith("39") and len(digits) >= 11 and digits[2] in "03":
        digits = "+" + digits
    # A number that is not valid as written lost its leading 0 in a spreadsheet; 800 numbers are valid as written.
    candidates = [digits] if digits[0] in "+03" else [digits, "0" + digits]
    for candidate in candidates:
        try:
            number = phonenumbers.parse(candidate, "IT")
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return ""


def workstations(text: str) -> str:
    """The number of workstations in `20`, `circa 30`, `15 postazioni`; `""` for `da definire` or two numbers."""
    numbers = re.findall(r"\d+", re.sub(r"(\d)[.,]0+\b", r"\1", text))
    return str(int(numbers[0])) if len(numbers) == 1 and int(numbers[0]) >= 1 else ""


def _street_case(street: str) -> str:
    if street != street.upper():
        return street
    words = street.lower().split()
    return " ".join(w if i and w in _SMALL_WORDS else w[:1].upper() + w[1:] for i, w in enumerate(words))


def address(text: str) -> tuple[str, str]:
    """`Via Paolo Sarpi, 42` → (`Via Paolo Sarpi`, `42`); `VIA LUPETTA, 5` → (`Via Lupetta`, `5`)."""
    text = " ".join(text.split())
    match = _HOUSE_NUMBER.match(text)
    street, number = (match["street"], match["number"]) if match else (text, "")
    return _street_case(street.strip(" ,")), re.sub(r"\s+", "", number).upper()


def coordinate(text: str) -> float | None:
    """A decimal degree from `45.4809317` or `45,4809317`."""
    text = text.strip()
    if "," in text and "." not in text:
        text = text.replace(",", ".")
    try:
        return float(text)
    except ValueError:
        return None


def decimal_degrees(value: float) -> str:
    """A coordinate with 7 decimals (about 1 cm), dropping float noise: `9.142164000000037` → `9.142164`."""
    return f"{value:.7f}".rstrip("0").rstrip(".")


def postcode(text: str) -> str:
    digits = text.strip()
    return digits if re.fullmatch(r"\d{5}", digits) else ""


def website(text: str) -> str:
    """A URL with its scheme (`www.example.org` → `http://www.example.org`)."""
    text = text.strip()
    if not text or " " in text or "." not in text:
        return ""
    return text if re.match(r"^https?://", text, re.I) else "http://" + text


def email(text: str) -> str:
    match = _EMAIL.search(text)
    return match.group().lower() if match else ""


def open_since(text: str) -> str:
    """`2014`, `marzo 2016` → `2016-03`, `01/09/2018` → `2018-09-01`."""
    text = fold(text.strip())
    if match := re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", text):
        day, month, year = (int(g) for g in match.groups())
        return f"{year:04d}-{month:02d}-{day:02d}" if 1 <= month <= 12 and 1 <= day <= 31 else ""
    if match := re.fullmatch(r"(\d{1,2})[/.-](\d{4})", text):
        month, year = int(match[1]), int(match[2])
        return f"{year:04d}-{month:02d}" if 1 <= month <= 12 else ""
    if match := re.fullmatch(r"([a-z]+)\s+(\d{4})", text):
        return f"{match[2]}-{_MONTHS.index(match[1]) + 1:02d}" if match[1] in _MONTHS else ""
    return text if re.fullmatch(r"\d{4}", text) else ""


def wheelchair(text: str) -> str:
    """OSM `wheelchair`: `SI` → `yes`, `NO` → `no`, `parziale` → `limited`."""
    value = fold(text.strip())
    if value in {"si", "yes", "x", "accessibile", "s"}:
        return "yes"
    if value in {"no", "non accessibile"}:
        return "no"
    return "limited" if value.startswith("parzial") else ""


def features(services: str, *, workstations: str = "", meeting_rooms: str = "") -> str:
    """Codes of the features scheme found in a published list of services or machines, in scheme order."""
    text = fold(services)
    found = {code for code, words in _FEATURE_WORDS.items() if re.search(words, text)}
    if workstations:
        found.add("workstations")
    if meeting_rooms.strip().isdigit() and int(meeting_rooms) > 0:
        found.add("meeting-room")
    return " ".join(code for code in FEATURES if code in found)


def space_type(text: str) -> str:
    """`Coworking` → `coworking`, `Fab Lab` → `fablab`; `""` when unknown."""
    return _SPACE_TYPES.get(" ".join(fold(text).split()), "")
