"""A scan of published files for personal data of natural persons (GDPR minimisation).

Published data name organisations, never people (DESIGN §3). The scan looks for three kinds of personal data:

- personal *codici fiscali* (16 characters with a valid check character; organisations have 11 digits);
- personal e-mail addresses: a local part made of a person's first name (``mario.rossi@…``, ``giulia@…``);
- names of people: a first name followed by a capitalised surname, as French and Italian lists write them
  (``Mario Rossi``, ``Claire LEBRUN``, ``JEAN DUPONT``, glued ``CamilleLegrand``), a courtesy title and a
  surname (``M. Dupont``, ``Mme Durand``, ``Sig.ra Bianchi``), except where the name is part of a place or an
  institution named after a person (``Via Giuseppe Verdi``, ``Fondazione Giangiacomo Feltrinelli``, ``Rue Jean
  Moulin``, ``Saint-Martin-Boulogne``); in the name of a space, only a name that is nothing but a person's name
  (``Louise Martin``: :func:`establishment_is_person`); in a column about people (``contact``, ``referente``,
  ``prenom``…), any first name (``Claire``).

First names come from the ``gender-guesser`` name dictionary: names used in Italy or France, or predominant in
any country (in a space's name, only the first two). The scan reads CSV cells,
JSON strings and RDF literals; findings name the file, the row (or line) and the column or predicate.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path

from stdnum.it import codicefiscale

from cowork_data.validate.checks.codes import PERSONAL_TAX_CODE
from cowork_data.validate.report import Finding

PERSONAL_CF = re.compile(rf"\b{PERSONAL_TAX_CODE}\b", re.IGNORECASE)
EMAIL = re.compile(r"\b([A-Za-z0-9._%+-]+)@([A-Za-z0-9.-]+\.[A-Za-z]{2,})\b")
#: A word; words joined by hyphens are one (French place names: ``Pierre-Bénite``, ``Saint-Martin-Boulogne``;
#: a compound first name, ``Jean-Pierre``, is a first name when each part is).
WORD = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ']+(?:-[A-Za-zÀ-ÖØ-öø-ÿ']+)*")
#: Words after which a person's name names a place or an institution, not a person.
NAMED_AFTER = frozenset(
    "via viale piazza piazzale corso largo vicolo strada ponte galleria alzaia ripa lungo san santa santo sant "
    "fondazione istituto scuola liceo teatro museo ospedale biblioteca università politecnico parco premio "
    "centro stazione aeroporto comune città provincia regione municipio unione "
    # French: saints, streets and the buildings and institutions named after a person
    "saint sainte st ste rue avenue av bd boulevard bld place quai allée allee impasse chemin route square "
    "esplanade passage cité cite lycée lycee collège college école ecole campus université universite espace "
    "maison résidence residence pôle pole hôtel hotel salle théâtre theatre stade gare incubateur médiathèque "
    "mediatheque bibliothèque musée musee fondation institut docteur dr professeur président president général "
    "general maréchal marechal père pere abbé abbe fablab station "
    # organisations and buildings named after a person (French, Italian)
    "association associations centre center pépinière pepiniere pépinières pepinieres entreprises agence fédération "
    "federation club foyer groupe groupement atelier ateliers halle halles jardin pavillon villa domaine château "
    "chateau clinique hôpital hopital gymnase piscine mjc iut cfa réseau reseau prix quartier complexe "
    "amphithéâtre amphitheatre auditorium associazione circolo cooperativa casa sala palazzo cascina spazio "
    "officina fabbrica polo rete villaggio".split()
)
#: What ends a clause: a person's name never runs across it (``… for Milan. Only …``).
CLAUSE_BREAK = re.compile(r"[.;:!?()\[\]{}\"«»“”\n]")
#: Courtesy titles before a name (``Madame``, ``M.``, ``Sig.``).
CIVILITIES = frozenset(
    "m mme mlle madame monsieur mademoiselle mr mrs ms sig sigra signor signora dott dottssa".split())
#: A courtesy title and a capitalised surname (``M. Dupont``, ``Mme Durand``, ``Sig.ra Bianchi``); the title as
#: written (``Madame``, ``MME``), never a lower-case word (``madame``) nor a title alone.
TITLED = re.compile(
    r"(?<![\w.])(?:Madame|MADAME|Monsieur|MONSIEUR|Mademoiselle|MADEMOISELLE|Mmes?|MMES?|Mlle|MLLE|Mme\.|M\.|MM\.|"
    r"Mr\.?|Mrs\.?|Sig\.(?:ra)?|Signor(?:a|ina)?|Dott\.(?:ssa)?)\s+"
    r"(?P<surname>[A-ZÀ-ÖØ-Þ][A-Za-zÀ-ÖØ-öø-ÿ'-]+)")
#: Columns and keys about people: there a first name alone is a person (``Claire``, ``NOÉMIE``).
PERSON_FIELDS = frozenset(
    "contact contacts contact_person contact_name contatto referente responsabile persona person people prenom "
    "prénom nom_contact first_name firstname given_name givenname last_name lastname surname family_name cognome "
    "nome_referente foaf:givenname foaf:familyname".split())
#: Ordinary Italian words that the name dictionary also lists as first names.
COMMON_WORDS = frozenset(
    "italia isola rosa stella luce aurora marina serena vera sole fiore gemma gioia speranza fortuna viola ambra "
    "perla bianca celeste chiara franca grazia pace alba bruna costa piazza lucia sara oriente europa america "
    "natale pasqua domenica primo massimo bella dolce felice fedele sereno valentino".split()
)
PARTICLES = frozenset("di de del della dei degli delle da dal e ed d".split())
#: Fields and predicates that hold addresses or links, where names of people are names of streets.
SKIP_FIELDS = frozenset({"street_address", "house_number", "website", "url", "source_url", "path", "homepage",
                         "email", "$schema"})
SKIP_PREDICATES = ("thoroughfare", "fullAddress", "#address", "url", "homepage")


@cache
def _detector():
    import gender_guesser.detector as gender

    return gender.Detector(case_sensitive=False)


#: Countries of the profiles whose first names the scan knows (gender-guesser's country names), and its verdicts
#: that mean "a first name": anywhere (``male``, ``female``) or in a profile's country (also ``mostly_*``).
NAME_COUNTRIES = ("italy", "france")
_NAME = ("male", "female")
_MOSTLY = ("male", "female", "mostly_male", "mostly_female")
#: Words that start with a first name but are the functional part of an address (``contact@``, ``marinaio``).
FUNCTIONAL_LOCAL = frozenset(
    "contact contacts info infos information accueil bonjour hello hallo ciao salut welcome coworking cowork fablab "
    "admin administration direction secretariat segreteria reception reservation reservations booking office "
    "bureau bureaux team equipe staff mairie comune association asso communication presse press telecentre "
    "technopole incubateur pepiniere pepinieres espace atelier ateliers cantine hub lab labo mediatheque cyberbase "
    "tierslieu tierslieux initiatives support service services entreprises".split())


@cache
def _known_first_name(name: str, anywhere: bool) -> bool:
    """A name of the dictionary, also when written without its accents (``Benoit``, ``Helene``, ``Jerome``);
    ``anywhere`` also takes a name given to men and women alike (``Dominique``, ``Andrea``)."""
    detector = _detector()
    for spelling in (name, *_accented().get(name.lower(), ())):
        if (anywhere and detector.get_gender(spelling) in (*_NAME, "andy")) or any(
                detector.get_gender(spelling, country) in _MOSTLY for country in NAME_COUNTRIES):
            return True
    return False


@cache
def _accented() -> dict[str, tuple[str, ...]]:
    """The dictionary's accented names by their spelling without accents (``benoit`` → ``Benoît``)."""
    import unicodedata

    spellings: dict[str, list[str]] = {}
    for name in _detector().names:
        bare = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
        if bare != name:
            spellings.setdefault(bare, []).append(name.capitalize())
    return {bare: tuple(names) for bare, names in spellings.items()}


def is_first_name(word: str, *, anywhere: bool = True) -> bool:
    """A first name used in Italy or France (with ``anywhere``, also one predominant in any country), written as
    a name (``Mario``, ``MARIO``, ``Jean-Pierre``), that is not an ordinary word."""
    if "-" in word:
        parts = word.split("-")
        return len(parts) <= 3 and all(is_first_name(part, anywhere=anywhere) for part in parts)
    if len(word) < 3 or not (word.istitle() or (word.isupper() and len(word) >= 4)):
        return False
    if word.lower() in COMMON_WORDS:
        return False
    return _known_first_name(word.capitalize(), anywhere)


def establishment_is_person(name: str) -> bool:
    """Whether the name of an establishment is only a person's name (``Louise Martin``, ``Mme Giulia Bianchi``):
    a first name used in a profile's country and one or two surnames, nothing else. A place named after someone
    (``Maison Jules Verne``, ``Incubateur Jean Moulin``) names the place, not a person."""
    words = [w for w in WORD.findall(name) if w.lower().strip("'") not in CIVILITIES]
    if not 2 <= len(words) <= 3 or not is_first_name(words[0], anywhere=False):
        return False
    rest = words[1:]
    return all((w.istitle() or w.isupper()) and len(w) > 1 and w.lower() not in PARTICLES for w in rest)


def personal_email(address: str) -> bool:
    """Whether an e-mail address is a person's: a first name in its local part (``laurent@``, ``nadia.terki@``),
    an initial and a surname (``d.lecoq@``), or a first name glued to more letters (``alaintomeo@``,
    ``sindyb@``); functional addresses (``contact@``, ``accueil-pepinieres09@``, a place's name) are not."""
    local = address.split("@", 1)[0].lower()
    tokens = [t for t in re.split(r"[._+\-0-9]+", local) if t]
    if any(t in FUNCTIONAL_LOCAL for t in tokens) and not any(is_first_name(t.capitalize()) for t in tokens):
        return False
    for i, token in enumerate(tokens):
        if is_first_name(token.capitalize()):
            return True
        if len(token) == 1 and i + 1 < len(tokens) and len(tokens[i + 1]) >= 3 and \
                tokens[i + 1] not in FUNCTIONAL_LOCAL:
            return True
        if token not in FUNCTIONAL_LOCAL and any(is_first_name(token[:n].capitalize()) and len(token) > n
                                                 for n in range(5, len(token))):
            return True
    return False


def person_names(text: str) -> list[str]:
    """``Firstname Surname`` pairs (also glued, ``CamilleLegrand``) and titled surnames (``M. Dupont``) in
    ``text`` that are not part of a place or institution name."""
    found = [m.group(0) for m in TITLED.finditer(text) if m["surname"].lower() not in PARTICLES | CIVILITIES]
    for clause in CLAUSE_BREAK.split(TITLED.sub(" ", text)):  # a name does not run across a full stop or a bracket
        found.extend(_names_in([part for word in WORD.findall(clause) for part in _unglue(word)]))
    return found


def _unglue(word: str) -> list[str]:
    """A first name glued to a capitalised surname is two words (``CamilleLegrand``); any other word is one."""
    match = re.fullmatch(r"([A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ]{2,})([A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ]{2,})", word)
    return [match[1], match[2]] if match and is_first_name(match[1], anywhere=False) else [word]


def people_in_cell(text: str) -> list[str]:
    """What names a person in a column about people: a first name (``Claire``, ``Jean-Luc MARTEL``), or two
    or three capitalised words that name no organisation (``Yanael Corvec``; not ``L'association X``)."""
    found = [part for word in WORD.findall(text) for part in _unglue(word) if is_first_name(part)]
    for part in re.split(r"[,;/\n]| et | and | e ", text):
        words = WORD.findall(part)
        if not found and 2 <= len(words) <= 3 and all(w[0].isupper() and len(w) > 1 for w in words) and \
                not any(re.sub(r"^[dl]'", "", w.lower()) in NAMED_AFTER for w in words):
            found.append(part.strip())
    return found


@cache
def _place_pairs() -> frozenset[str]:
    """Every two consecutive words of a municipality's name in a profile's reference list (``Belle Vie`` of
    *Belle Vie en Auge*, ``Bas Ségala``), folded: there a first name and a capitalised word name a place."""
    from cowork_data.normalise.text import fold
    from cowork_data.profiles import PROFILES

    pairs = set()
    for profile in PROFILES.values():
        for municipality in profile.reference():  # type: ignore[attr-defined]
            for name in (municipality.name, getattr(municipality, "region", "")):  # Emilia-Romagna, Valle d'Aosta
                words = re.findall(r"[A-Za-zÀ-ÖØ-öø-ÿ']+", name) if not name.isdigit() else []  # Emilia-Romagna too
                pairs.update(fold(f"{a} {b}") for a, b in zip(words, words[1:], strict=False))
    return frozenset(pairs)


def _names_in(words: list[str]) -> list[str]:
    from cowork_data.normalise.text import fold

    found = []
    for i, word in enumerate(words[:-1]):
        if not is_first_name(word):
            continue
        previous = re.sub(r"^[dl]'", "", words[i - 1].lower()).strip("'") if i else ""  # d'entreprises
        if previous in NAMED_AFTER or (i > 1 and previous in PARTICLES and words[i - 2].lower() in NAMED_AFTER):
            continue
        following = words[i + 1]
        # ``Mario Rossi``, ``Claire LEBRUN``, ``JEAN DUPONT``
        surname = following.istitle() or (following.isupper() and len(following) > 2)
        if surname and following.lower() not in PARTICLES and len(following) > 1 and \
                fold(f"{word} {following}") not in _place_pairs():
            found.append(f"{word} {following}")
    return found


def _is_name_field(field: str) -> bool:
    """The name of a space: the ``name`` column, ``schema:name`` (N-Triples, Turtle, JSON-LD)."""
    return field in ("name", "schema:name") or field == "http://schema.org/name"


def _is_person_field(field: str) -> bool:
    """A column or predicate about people (:data:`PERSON_FIELDS`), by its local name."""
    return re.split(r"[#/]", field)[-1].casefold() in PERSON_FIELDS or field.casefold() in PERSON_FIELDS


def _establishment_names(text: str) -> list[str]:
    return [text.strip()] if establishment_is_person(text) else []


def personal_emails(text: str) -> list[str]:
    return [f"{local}@{domain}" for local, domain in EMAIL.findall(text) if personal_email(f"{local}@{domain}")]


def personal_tax_codes(text: str) -> list[str]:
    return [m.group(0) for m in PERSONAL_CF.finditer(text) if codicefiscale.is_valid(m.group(0).upper())]


def scan_text(text: str, *, where: dict) -> Iterator[Finding]:
    checks = (("privacy-tax-code", personal_tax_codes), ("privacy-email", personal_emails),
              ("privacy-person-name", person_names))
    for code, find in checks:
        if code == "privacy-person-name" and where.get("field") in SKIP_FIELDS:
            continue
        field = str(where.get("field", ""))
        finder = find
        if code == "privacy-person-name" and _is_person_field(field):
            finder = people_in_cell
        elif code == "privacy-person-name" and _is_name_field(field):  # only a bare person's name counts
            finder = _establishment_names
        for value in finder(text):
            yield Finding.of(code, {"value": value}, value=value, **where)


def scan_csv(path: Path) -> Iterator[Finding]:
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader, [])
        for row_number, row in enumerate(reader, start=2):
            for col, cell in enumerate(row, start=1):
                if cell:
                    name = header[col - 1] if col <= len(header) else ""
                    yield from scan_text(cell, where={"file": str(path), "row": row_number, "column": col,
                                                      "field": name})


def json_strings(data: object, key: str = "") -> Iterator[tuple[str, str]]:
    """Every string of a JSON document with the key it is the value of."""
    if isinstance(data, dict):
        for k, v in data.items():
            # a literal with a language or datatype ({"@value": …}) belongs to the property around it
            yield from json_strings(v, key if k == "@value" else k)
    elif isinstance(data, list):
        for v in data:
            yield from json_strings(v, key)
    elif isinstance(data, str):
        yield key, data


def _field(name: str) -> str:
    """A predicate or JSON-LD key as a field name; address and link properties count as ``url`` (not scanned)."""
    return "url" if any(k in name for k in SKIP_PREDICATES) else name


def scan_json(path: Path) -> Iterator[Finding]:
    data = json.loads(path.read_text(encoding="utf-8"))
    for key, text in json_strings(data):
        yield from scan_text(text, where={"file": str(path), "field": _field(key)})


def scan_ntriples(path: Path) -> Iterator[Finding]:
    with path.open(encoding="utf-8") as fh:
        for line_number, line in enumerate(fh, start=1):
            parts = line.split(" ", 2)
            if len(parts) < 3 or not parts[2].startswith('"'):
                continue
            field = _field(parts[1].strip("<>"))
            literal = json.loads(parts[2].rsplit('"', 1)[0] + '"') if parts[2].count('"') >= 2 else parts[2]
            yield from scan_text(literal, where={"file": str(path), "row": line_number, "field": field})


def scan_rdf(path: Path) -> Iterator[Finding]:
    """Literals of a Turtle, TriG or N-Quads file (the catalogue, the named-graph files), read by pyoxigraph."""
    import pyoxigraph as ox

    formats = {".ttl": ox.RdfFormat.TURTLE, ".trig": ox.RdfFormat.TRIG, ".nq": ox.RdfFormat.N_QUADS}
    for quad in ox.parse(path=str(path), format=formats[path.suffix]):
        if isinstance(quad.object, ox.Literal):
            yield from scan_text(quad.object.value, where={"file": str(path), "field": _field(quad.predicate.value),
                                                           "focus_node": _node_text(quad.subject)})


def _node_text(node: object) -> str:
    """A subject as rdflib writes it: the IRI, or the blank node's id."""
    return str(getattr(node, "value", node))


def scan_paths(paths: Iterable[Path]) -> list[Finding]:
    """Scan published files: CSV, JSON and JSON-LD, N-Triples, Turtle, TriG and N-Quads; others are not read."""
    findings: list[Finding] = []
    for path in sorted(paths):
        if path.suffix == ".csv":
            findings.extend(scan_csv(path))
        elif path.suffix in (".json", ".jsonld"):
            findings.extend(scan_json(path))
        elif path.suffix == ".nt":
            findings.extend(scan_ntriples(path))
        elif path.suffix in (".ttl", ".trig", ".nq"):
            findings.extend(scan_rdf(path))
    return findings


def scan_release(output: Path) -> list[Finding]:
    """Scan every published file of a release (``datapackage.json`` and ``data/``)."""
    return scan_paths([output / "datapackage.json", *(p for p in (output / "data").rglob("*") if p.is_file())])
