"""Exceptions of cowork-data: one tree, so a caller knows which base to catch.

Every error a user can cause carries a message in every language of the catalogue (:mod:`cowork_data.i18n`), and
where possible a fix hint. The CLI turns them into a clean message and an exit code; it never shows a traceback.

    CoworkDataError                 base: catch this to handle every error of the toolkit
    ├── UsageError                  bad arguments or unreadable input given by the user (exit code 2)
    │   ├── UnreadableFileError     a file that is not a table the toolkit can read (binary, wrong format)
    │   │   └── NotATableError      bytes that hold no table at all (a script, a page without a table, JSON
    │   │                           that is neither GeoJSON nor records; cowork_data.readers)
    │   ├── UnsafeURLError          a URL the toolkit refuses to fetch (netsafety)
    │   └── ReleaseTooLarge         a release too big for an in-memory rdflib Graph (release.graph())
    ├── ConfigError                 a broken file in sources/, schemas/, shapes/ or vocab/
    ├── HarvestError                a source could not be fetched or its snapshot is missing
    │   ├── FetchError              one URL could not be fetched (harvest.http; ``cause`` says why)
    │   ├── PagingError             the pages of a CKAN datastore went past a limit (harvest.paging; ``cause``)
    │   └── UnreadableSnapshot      a snapshot's bytes are not the format its source declares (harvest adapters)
    │       ├── ShapeError          a snapshot not usable as its source declares (harvest.checks; ``cause``)
    │       └── ServiceError        a service answered that the query failed (harvest.adapters.overpass)
    ├── ValidationFailed            published data broke the Table Schema or the SHACL shapes
    ├── PublishError                the publish step could not complete; the previous version is intact
    ├── QueryError                  the SPARQL endpoint could not answer
    │   └── QueryTimeout            a query ran past its time limit (serve.sparql)
    ├── NotebookError               a cell of a research notebook failed (site.notebooks; names the cell)
    └── Unsupported                 a shape the fast SHACL engine does not compile (it falls back to pySHACL)

An error is raised with a catalogue key and its parameters, ``UsageError("error.fix-same-output", path=...)``: the
message is ``<key>.message`` and the hint ``<key>.hint`` when the catalogue has one. The older form with the two
texts, ``UsageError("…italiano…", "…English…", hint_it=…, hint_en=…)``, is still accepted for code not yet moved
to the catalogue; it renders Italian and English only.
"""

from __future__ import annotations

from typing import Any

from cowork_data import i18n

__all__ = ["ConfigError", "CoworkDataError", "HarvestError", "NotATableError", "NotebookError", "PublishError",
           "QueryError", "QueryTimeout", "ReleaseTooLarge", "ShapeError", "UnreadableFileError", "UnreadableSnapshot",
           "Unsupported", "UsageError", "ValidationFailed"]


class CoworkDataError(Exception):
    """Base class: an error with its message (and hint) in every language of the catalogue."""

    exit_code = 1

    def __init__(self, *message: str, hint_it: str = "", hint_en: str = "", **params: Any) -> None:
        if len(message) == 1:
            self.key: str | None = message[0]
            self.params = params
            self._literal: dict[str, tuple[str, str]] = {}
            i18n.catalogue().template(f"{self.key}.message")  # an unknown key fails here, where it is raised
        elif len(message) == 2:
            self.key, self.params = None, {}
            self._literal = {i18n.DEFAULT: (message[0], hint_it), i18n.FALLBACK: (message[1], hint_en)}
        else:
            raise TypeError("CoworkDataError takes a catalogue key, or an Italian and an English message")
        super().__init__(self.message_en)

    def message(self, lang: str = i18n.DEFAULT) -> str:
        if self.key is None:
            return self._literal.get(lang, self._literal[i18n.FALLBACK])[0]
        return i18n.t(f"{self.key}.message", lang, **self.params)

    def hint(self, lang: str = i18n.DEFAULT) -> str:
        if self.key is None:
            return self._literal.get(lang, self._literal[i18n.FALLBACK])[1]
        key = f"{self.key}.hint"
        return i18n.t(key, lang, **self.params) if i18n.catalogue().has(key) else ""

    @property
    def message_it(self) -> str:
        return self.message(i18n.DEFAULT)

    @property
    def message_en(self) -> str:
        return self.message(i18n.FALLBACK)

    @property
    def hint_it(self) -> str:
        return self.hint(i18n.DEFAULT)

    @property
    def hint_en(self) -> str:
        return self.hint(i18n.FALLBACK)

    def texts(self) -> dict[str, str]:
        """The message in every language, to pass as a parameter of another message (``reason=exc.texts()``)."""
        return {lang: self.message(lang) for lang in i18n.languages()}

    def bilingual(self) -> str:
        """The message in both languages, Italian first, with the hints."""
        lines = [self.message_it]
        if self.hint_it:
            lines.append(f"  → {self.hint_it}")
        lines.append(self.message_en)
        if self.hint_en:
            lines.append(f"  → {self.hint_en}")
        return "\n".join(lines)


class UsageError(CoworkDataError):
    exit_code = 2


class UnreadableFileError(UsageError):
    pass


class NotATableError(UnreadableFileError):
    pass


class ReleaseTooLarge(UsageError):
    """The release's graph is too big to hold as an rdflib Graph in memory (``Release.graph()``)."""


class ConfigError(CoworkDataError):
    pass


class NotebookError(CoworkDataError):
    """A cell of a research notebook failed; the message names the notebook and the cell."""


class HarvestError(CoworkDataError):
    pass


class UnreadableSnapshot(HarvestError):
    """A snapshot (or a user's file, before the validator says which) is not readable as its declared format; the
    message is a reason that callers put into their own sentence."""

    @property
    def reason_it(self) -> str:
        return self.message_it

    @property
    def reason_en(self) -> str:
        return self.message_en


class ShapeError(UnreadableSnapshot):
    """A snapshot that is not usable as its source declares (empty, an HTML page, columns changed); ``cause`` is a
    short code of why."""

    def __init__(self, cause: str, *message: str, **params: Any) -> None:
        super().__init__(*message, **params)
        self.cause = cause


class ValidationFailed(CoworkDataError):
    def __init__(self, *message: str, report: Any = None, **kw: Any) -> None:
        super().__init__(*message, **kw)
        self.report = report


class PublishError(CoworkDataError):
    pass


class QueryError(CoworkDataError):
    pass


class QueryTimeout(QueryError):
    """A SPARQL query stopped at the endpoint's time limit."""

    def __init__(self, seconds: float | None = None) -> None:
        super().__init__("error.query-timeout", seconds="—" if seconds is None else f"{seconds:g}")


class Unsupported(CoworkDataError):
    """A shape feature the fast SHACL engine does not compile; the engine falls back to pySHACL for that shape."""

    def __init__(self, feature: str) -> None:
        super().__init__("error.shacl-unsupported", feature=feature)
        self.feature = feature

    def __str__(self) -> str:
        return self.feature
