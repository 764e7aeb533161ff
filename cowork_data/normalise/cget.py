"""Reader of France's national inventory of tiers-lieux (CGET, Mission Coworking, 2019; Licence Ouverte 2.0).

The source's `[columns]` name the headers of the reader's inputs (:data:`INPUTS`); in the 2019 file, one row per
tiers-lieu: `ID`, `NOM_TL`, `ADRESSE` (number first, French style), `CP` (`0` when unknown), the commune
as written (`COMINIT`), its INSEE code and name when the publisher matched it (`INSEECOM`, `NOMCOM`; `0` when not),
`WEB`, `TYPO` (`Tiers lieux à dominante coworking` / `… fablab`, or empty), the point (`LAT`, `LONG`) with how it was
geocoded (`GEOCOD`: the matched address, or `PLACE A LA MAIN` for a point placed by hand) and its `PRECISION`, the
commune the point falls in (`INSEEMETRO`, `NOMCOMMETRO`), and `CONTACT` / `MAIL`.

- **Personal data are dropped here** (DESIGN §3): `CONTACT` names natural persons and is never copied (it is read
  only to recognise the e-mail addresses made of the person's name); an address of `MAIL` is kept only when it is
  functional (`contact@`, `accueil@`, a place's name), never when it is made of a person's name
  (:func:`cowork_data.privacy.personal_email`) or holds a word of the row's `CONTACT`.
- A name of a tiers-lieu that is nothing but a person's name (:func:`cowork_data.privacy.establishment_is_person`)
  is withheld: the space is published as `Tiers-lieu {ID}`.
- **Typologies as published**: `à dominante coworking` → `coworking`, `à dominante fablab` → `fablab`; an empty
  `TYPO` is `unspecified` (the source states no type; none is guessed).
- **Communes**, checked against the INSEE list (`reference/insee/`): the published `INSEECOM` resolved to the current
  commune (arrondissement, delegated or former commune); when it is `0`, the commune named (`NOMCOM`, `COMINIT`)
  narrowed by postcode, else by the commune of the point; when no commune is named at all, the commune the
  publisher gives for the point (`INSEEMETRO`). A named commune that is not French or disagrees with everything
  else is not resolved: the row is left out and reported.
- **Reported, kept**: the same name in the same commune, the same point for two rows, points placed by hand,
  geocoding precision below 0.5, a `NOMCOM` that names another commune than the code, points outside France
  (dropped from the row, the row kept).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from cowork_data.config import Source
from cowork_data.errors import ConfigError, HarvestError
from cowork_data.harvest import Snapshot
from cowork_data.harvest.adapters import UnreadableSnapshot, parse_table
from cowork_data.harvest.spec import harvest_spec
from cowork_data.i18n import pair
from cowork_data.normalise import fields
from cowork_data.normalise.ids import Crosswalk, slugify
from cowork_data.normalise.tables import blank_row
from cowork_data.normalise.text import fold
from cowork_data.privacy import FUNCTIONAL_LOCAL, establishment_is_person, personal_email
from cowork_data.profiles import FRANCE
from cowork_data.profiles.insee import Communes, Resolution, load_communes, name_key
from cowork_data.readers import repair

__all__ = ["INPUTS", "TYPES", "CgetNotes", "normalise_cget"]

TYPES = {"tiers lieux a dominante coworking": "coworking", "tiers lieux a dominante fablab": "fablab"}
#: What the reader reads, each from the header `[columns]` maps to it. `contact_person` is only read to recognise
#: the e-mail addresses made of the person's name; it is never copied.
INPUTS = frozenset({"record_id", "name", "address", "postcode", "commune_as_written", "commune_insee", "commune_name",
                    "website", "type", "latitude", "longitude", "geocoded", "precision", "email", "contact_person",
                    "point_commune"})
REQUIRED_INPUTS = ("name", "commune_insee")
_URL = re.compile(r"(?:https?://)?(?:[\w-]+\.)+[a-z]{2,}(?![\w-]|\.\w)(?::[0-9]+)?(?:/[^\s|\[\]<>\"{}]*)?", re.I)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_NUMBER_FIRST = re.compile(r"^\s*(?P<number>\d+(?:\s*(?:bis|ter|quater|[a-d])\b)?)[\s,]+(?P<street>\D.*)$", re.I)


@dataclass
class CgetNotes:
    """What the reader dropped, resolved and doubted, for the build summary (counts and row numbers)."""

    rows: int = 0  #: rows read (blank rows not counted)
    contacts_dropped: int = 0  #: rows whose contact person (a natural person's name) was not copied
    emails_dropped: int = 0  #: e-mail addresses not copied: personal, made of the contact's name, or a second one
    emails_kept: int = 0  #: rows whose address of the place was kept
    names_withheld: int = 0  #: spaces named after a person, published as ``Tiers-lieu <id>``
    communes: Counter = field(default_factory=Counter)  #: how each row's commune was found → rows
    unresolved: list[tuple[str, str]] = field(default_factory=list)  #: (row, why) of rows without a commune, left out
    dubious: list[tuple[str, str]] = field(default_factory=list)  #: (row, doubt) of rows kept with a doubt
    duplicates: list[tuple[tuple[str, ...], str]] = field(default_factory=list)  #: (rows, why) that look the same

    def summary(self) -> dict[str, object]:
        return {"rows": self.rows, "contacts_dropped": self.contacts_dropped, "emails_dropped": self.emails_dropped,
                "emails_kept": self.emails_kept, "names_withheld": self.names_withheld,
                "communes": dict(sorted(self.communes.items())),
                "unresolved": len(self.unresolved), "dubious": len(self.dubious), "duplicates": len(self.duplicates),
                "unresolved_rows": [f"{record}: {why}" for record, why in self.unresolved],
                "duplicate_rows": [f"{' = '.join(records)}: {why}" for records, why in self.duplicates],
                "dubious_rows": [f"{record}: {why}" for record, why in self.dubious]}


def _text(value: str) -> str:
    return " ".join(value.replace("\xa0", " ").split())


def address(text: str) -> tuple[str, str]:
    """`9 Rue du Petit Châtelier` → (`Rue du Petit Châtelier`, `9`); `26 Bis Rue des Olivettes` → (…, `26BIS`)."""
    text = _text(text)
    match = _NUMBER_FIRST.match(text)
    if not match:
        return fields.address(text)
    return match["street"].strip(" ,"), re.sub(r"\s+", "", match["number"]).upper()


def website(text: str) -> str:
    """The first web address in a cell: `http://fablab-vignes.org|fablab-vignes.org]]` (wiki markup) →
    `http://fablab-vignes.org`, `Innovation studio http://theschoolab.com/` → `http://theschoolab.com/`; `""` when
    the cell holds none (`en cours`, a person's name)."""
    match = _URL.search(_EMAIL.sub(" ", _text(text)))
    return fields.website(match.group()) if match else ""


def _code(value: str) -> str:
    value = value.strip()
    return "" if value in ("", "0") else value


def _commune(row: dict[str, str], communes: Communes) -> tuple[Resolution | None, str]:
    """The current commune of a row and how it was found, or None and why not."""
    postcode = _code(row.get("postcode", ""))
    if code := _code(row.get("commune_insee", "")):
        found = communes.resolve(code)
        return (found, "") if found else (None, pair("cli.build.cget-doubt.code-unknown", code=code))
    point = communes.resolve(_code(row.get("point_commune", "")))
    names = [n for n in (_text(row.get("commune_name", "")), _text(row.get("commune_as_written", ""))) if n]
    for name in names:
        candidates = communes.by_name(name, postcode=postcode)
        if len(candidates) > 1 and point:
            candidates = [c for c in candidates if c.code == point.commune.code]
        if len(candidates) == 1:
            how = "name+postcode" if postcode in candidates[0].postcodes else "name"
            return Resolution(candidates[0], how, name), ""
    if not names and point:
        return Resolution(point.commune, "point", point.given), ""
    if point and postcode and postcode in point.commune.postcodes:
        return Resolution(point.commune, "point+postcode", point.given), ""
    named = " / ".join(names) or "—"
    return None, pair("cli.build.cget-doubt.commune-unknown", name=named)


def shows_the_place(address: str, row: dict[str, str]) -> bool:
    """Whether an e-mail address is the place's own: its local part is a functional word (``contact``,
    ``accueil-pepinieres09``) or holds a word of the place's name, commune or website (``mds.vabres`` for
    *Télécentre de Vabre*, ``eref`` for *EREF de Saint Antonin*). Anything else (``jdupont``, ``4cx``) may be a
    person's and is not published."""
    local = fold(address.split("@", 1)[0])
    bare = re.sub(r"[^a-z]", "", local)
    if any(word in bare for word in FUNCTIONAL_LOCAL if len(word) >= 4) or \
            any(token in FUNCTIONAL_LOCAL for token in re.split(r"[^a-z]+", local)):
        return True
    texts = [fold(row.get(key, "")) for key in ("name", "commune_name", "commune_as_written")]
    texts.append(fold(re.sub(r"^(?:https?://)?(?:www\.)?", "", website(row.get("website", "")))).split("/")[0])
    words = {w for text in texts for w in re.findall(r"[a-z]{4,}", text)} - _GENERIC
    glued = [re.sub(r"[^a-z]", "", text) for text in texts]
    return any(word in bare for word in words) or (len(bare) >= 4 and any(bare in text for text in glued))


#: Words of names too common to show that an address is the place's (``espace``, ``coworking`` do: they are
#: functional words already).
_GENERIC = frozenset("saint sainte avec pour dans sous chez les des aux".split())


def _email(row: dict[str, str], notes: CgetNotes) -> str:
    text = row.get("email", "").strip()
    if not text:
        return ""
    contact = {w for w in re.findall(r"[a-z]{3,}", fold(row.get("contact_person", "")))}
    for candidate in re.findall(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", text):
        local = fold(candidate.split("@")[0])
        if personal_email(candidate) or any(word in local for word in contact) or \
                not shows_the_place(candidate, row):
            continue
        notes.emails_kept += 1
        notes.emails_dropped += len(re.findall(r"@", text)) - 1
        return fields.email(candidate)
    notes.emails_dropped += len(re.findall(r"@", text))
    return ""


def _point(row: dict[str, str], notes: CgetNotes, record: str) -> tuple[str, str]:
    lat, lon = fields.coordinate(row.get("latitude", "")), fields.coordinate(row.get("longitude", ""))
    if lat is None or lon is None:
        return "", ""
    if not FRANCE.inside(lat, lon):
        notes.dubious.append((record, f"{pair('cli.build.cget-doubt.outside-france')} ({lat}, {lon})"))
        return "", ""
    return fields.decimal_degrees(lat), fields.decimal_degrees(lon)


def _doubts(row: dict[str, str], resolution: Resolution, record: str, notes: CgetNotes) -> None:
    geocoded = row.get("geocoded", "").strip()
    if geocoded.upper() == "PLACE A LA MAIN":
        notes.dubious.append((record, f"{pair('cli.build.cget-doubt.placed-by-hand')} (PLACE A LA MAIN)"))
    precision = fields.coordinate(row.get("precision", ""))
    if precision is not None and precision < 0.5:
        notes.dubious.append((record, pair("cli.build.cget-doubt.precision", precision=precision)))
    named = _text(row.get("commune_name", ""))
    if named and resolution.how in ("current", "arrondissement", "delegated", "former"):
        names = {name_key(resolution.commune.name), *(name_key(c.name) for c in load_communes().by_name(named))}
        if name_key(named) not in names:
            notes.dubious.append((record, f"NOMCOM «{named}» ≠ {resolution.commune.name} ({resolution.given})"))


def _columns(source: Source) -> dict[str, str]:
    """The source's `[columns]` (header → input), checked: every target an input, the required ones present."""
    for header, target in source.columns.items():
        if target not in INPUTS:
            raise ConfigError("error.reader-column-unknown", file=source.path.name, header=header, target=target,
                              inputs=", ".join(sorted(INPUTS)))
    missing = [name for name in REQUIRED_INPUTS if name not in source.columns.values()]
    if missing:
        raise ConfigError("error.reader-input-missing", file=source.path.name, inputs=", ".join(missing))
    return dict(source.columns)


def _positions(source: Source, columns: dict[str, str], header: list[str]) -> dict[str, int]:
    """Input name → position in the snapshot's header (headers matched case-insensitively)."""
    at = {h.strip().casefold(): i for i, h in reversed(list(enumerate(header)))}
    missing = [h for h in columns if h.casefold() not in at]
    if missing:
        raise HarvestError("error.snapshot-columns-missing", source=source.id, columns=", ".join(missing))
    return {target: at[h.casefold()] for h, target in columns.items()}


def normalise_cget(source: Source, snapshot: Snapshot, *, crosswalk: Crosswalk,
                   notes: CgetNotes | None = None) -> dict[str, list[dict[str, str]]]:
    """Spaces of the CGET inventory (see the module docstring); `notes` collects what was dropped and doubted."""
    notes = notes if notes is not None else CgetNotes()
    communes = load_communes()
    columns = _columns(source)
    try:
        table = parse_table(harvest_spec(source).format, snapshot.data, expected=tuple(columns))
    except UnreadableSnapshot as exc:
        raise HarvestError("error.snapshot-unreadable", source=source.id, reason=exc.texts()) from exc
    positions = _positions(source, columns, table.header)
    spaces = []
    for locator, record in zip(table.locators, table.rows, strict=True):
        row = {name: repair(record[i]) if i < len(record) else "" for name, i in positions.items()}
        if not any(cell.strip() for cell in record):
            continue
        notes.rows += 1
        if row.get("contact_person", "").strip():
            notes.contacts_dropped += 1
        resolution, why = _commune(row, communes)
        if resolution is None:
            notes.unresolved.append((locator, why))
            continue
        notes.communes[resolution.how] += 1
        commune = resolution.commune
        space = blank_row("spaces")
        space["name"] = _text(row.get("name", ""))
        if establishment_is_person(space["name"]):  # a person's name, not a place's: withheld
            notes.names_withheld += 1
            space["name"] = ""
        space["name"] = space["name"] or f"Tiers-lieu {row.get('record_id', '').strip() or locator}"
        space["street_address"], space["house_number"] = address(row.get("address", ""))
        postcode = _code(row.get("postcode", ""))
        space["postcode"] = postcode if re.fullmatch(FRANCE.postcode_pattern, postcode) else ""
        space["country"], space["commune_insee"], space["comune_name"] = "FR", commune.code, commune.name
        space["type"] = TYPES.get(" ".join(fold(row.get("type", "")).replace("-", " ").split()), "unspecified")
        space["latitude"], space["longitude"] = _point(row, notes, locator)
        space["website"] = website(row.get("website", ""))
        space["email"] = _email(row, notes)
        record_id = row.get("record_id", "").strip()
        key = f"ID={record_id}" if record_id else f"{slugify(space['name'])}@{locator}"
        space["id"] = crosswalk.assign("spaces", source.id, key, space["name"], FRANCE.scope(commune.code))
        space["source_id"], space["source_record"], space["source_url"] = source.id, locator, source.url
        _doubts(row, resolution, locator, notes)
        spaces.append(space)
    _duplicates(spaces, notes)
    return {"spaces": spaces} if "spaces" in source.tables else {}


def _duplicates(spaces: list[dict[str, str]], notes: CgetNotes) -> None:
    by_name: dict[tuple[str, str], list[str]] = {}
    by_point: dict[tuple[str, str], list[str]] = {}
    for space in spaces:
        by_name.setdefault((slugify(space["name"]), space["commune_insee"]), []).append(space["source_record"])
        if space["latitude"]:
            by_point.setdefault((space["latitude"], space["longitude"]), []).append(space["source_record"])
    for (_, commune), records in sorted(by_name.items()):
        if len(records) > 1:
            notes.duplicates.append((tuple(records), f"{pair('cli.build.cget-doubt.same-name')} {commune}"))
    for point, records in sorted(by_point.items()):
        if len(records) > 1:
            same = pair("cli.build.cget-doubt.same-point")
            notes.duplicates.append((tuple(records), f"{same} {point[0]}, {point[1]}"))
