"""One message catalogue for every language the toolkit speaks.

Every user-facing text — findings, errors, command-line output, report and page labels — is a *key* in the
catalogue, and each language is one TOML file in ``cowork_data/locales/`` (``it.toml``, ``en.toml``): adding a
language is adding one file. Keys are namespaced by their dotted path (``finding.vat-check-digit.message``,
``error.fix-same-output.message``, ``cli.build.published``, ``label.report.title``); templates use
``str.format`` names (``{value}``, ``{column}``), and a literal brace is written twice.

A parameter may itself be language-dependent: a :class:`Text` (another key with its parameters) or a mapping
language → text (a schema field's titles) is resolved in the language being rendered, so one finding or error
renders in every language from one set of parameters.

A language missing a key falls back to English, then Italian (the test suite requires both to be complete;
a new language can grow key by key).
"""

from __future__ import annotations

import string
import tomllib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["DEFAULT", "FALLBACK", "LOCALES_DIR", "Catalogue", "Section", "Text", "both", "catalogue", "languages",
           "pair", "placeholders", "t", "texts", "using"]

LOCALES_DIR = Path(__file__).resolve().parent / "locales"
#: The project's first language (a missing ``lang`` means this one).
DEFAULT = "it"
#: The language a key falls back to when a language lacks it.
FALLBACK = "en"
_FORMATTER = string.Formatter()


@dataclass(frozen=True)
class Text:
    """A message by reference: a catalogue key and its parameters, rendered in any language."""

    key: str
    params: tuple[tuple[str, Any], ...] = ()

    @classmethod
    def of(cls, key: str, /, **params: Any) -> Text:
        return cls(key, tuple(sorted(params.items())))

    def render(self, lang: str = DEFAULT) -> str:
        return catalogue().t(self.key, lang, **dict(self.params))

    def __str__(self) -> str:
        return self.render(DEFAULT)


def _flatten(table: Mapping[str, Any], prefix: str, out: dict[str, str], source: Path) -> None:
    for name, value in table.items():
        key = f"{prefix}.{name}" if prefix else name
        if isinstance(value, Mapping):
            _flatten(value, key, out, source)
        elif isinstance(value, str):
            out[key] = value
        else:
            from cowork_data.errors import ConfigError  # errors render through this module: imported late

            raise ConfigError(f"File dei messaggi {source}: {key} non è un testo.",
                              f"Message file {source}: {key} is not a text.")


class Catalogue:
    """The messages of every language found in ``directory`` (one ``<lang>.toml`` file each)."""

    def __init__(self, directory: Path = LOCALES_DIR) -> None:
        self.directory = Path(directory)
        self.messages: dict[str, dict[str, str]] = {}
        for path in sorted(self.directory.glob("*.toml")):
            flat: dict[str, str] = {}
            try:
                with path.open("rb") as fh:
                    data = tomllib.load(fh)
            except tomllib.TOMLDecodeError as exc:
                from cowork_data.errors import ConfigError  # errors render through this module: imported late

                raise ConfigError(f"File dei messaggi {path} non valido: {exc}.",
                                  f"Message file {path} is not valid TOML: {exc}.") from exc
            _flatten(data, "", flat, path)
            self.messages[path.stem] = flat
        first = [lang for lang in (DEFAULT, FALLBACK) if lang in self.messages]
        #: The languages, the default first, then the fallback, then the others by code.
        self.languages: tuple[str, ...] = (*first, *sorted(set(self.messages) - set(first)))

    def keys(self) -> set[str]:
        """Every key of every language."""
        return set().union(*(m.keys() for m in self.messages.values())) if self.messages else set()

    def has(self, key: str) -> bool:
        return any(key in m for m in self.messages.values())

    def template(self, key: str, lang: str = DEFAULT) -> str:
        """The raw template of ``key`` in ``lang`` (falling back to English, then Italian)."""
        for candidate in (lang, FALLBACK, DEFAULT):
            text = self.messages.get(candidate, {}).get(key)
            if text is not None:
                return text
        raise KeyError(f"message key {key!r} is not in the catalogue ({self.directory})")

    def t(self, key: str, lang: str = DEFAULT, /, **params: Any) -> str:
        """The message ``key`` in ``lang`` with its parameters filled in."""
        template = self.template(key, lang)
        if not params and "{" not in template:
            return template
        resolved = {name: _resolve(value, lang, self) for name, value in params.items()}
        return template.format_map(resolved)

    def texts(self, key: str, /, **params: Any) -> dict[str, str]:
        """The message ``key`` in every language, in :attr:`languages` order."""
        return {lang: self.t(key, lang, **params) for lang in self.languages}


def placeholders(template: str) -> set[str]:
    """The parameter names a template uses (``{value}`` → ``value``)."""
    return {name.split(".")[0].split("[")[0] for _, name, _, _ in _FORMATTER.parse(template) if name}


def _resolve(value: Any, lang: str, cat: Catalogue) -> Any:
    if isinstance(value, Text):
        return cat.t(value.key, lang, **dict(value.params))
    if isinstance(value, Mapping):
        for candidate in (lang, FALLBACK, DEFAULT):
            if candidate in value:
                return value[candidate]
        return next(iter(value.values()), "")
    return value


class Section:
    """The keys under one prefix in one language, read like a dict: ``Section("label.report", "en")["title"]``."""

    def __init__(self, prefix: str, lang: str = DEFAULT) -> None:
        self.prefix = prefix
        self.lang = lang

    def __getitem__(self, name: str) -> str:
        return catalogue().t(f"{self.prefix}.{name}", self.lang)

    def get(self, name: str, default: str = "") -> str:
        key = f"{self.prefix}.{name}"
        return catalogue().t(key, self.lang) if catalogue().has(key) else default

    def format(self, name: str, /, **params: Any) -> str:
        return catalogue().t(f"{self.prefix}.{name}", self.lang, **params)


_ACTIVE: list[Catalogue] = []


def catalogue() -> Catalogue:
    """The catalogue in use (the shipped one unless :func:`using` says otherwise)."""
    if not _ACTIVE:
        _ACTIVE.append(Catalogue())
    return _ACTIVE[-1]


@contextmanager
def using(directory: Path) -> Iterator[Catalogue]:
    """Use the catalogue of another directory inside the ``with`` block (for a language being written)."""
    cat = Catalogue(directory)
    catalogue()
    _ACTIVE.append(cat)
    try:
        yield cat
    finally:
        _ACTIVE.remove(cat)


def languages() -> tuple[str, ...]:
    """The languages of the catalogue, Italian first."""
    return catalogue().languages


def t(key: str, lang: str = DEFAULT, /, **params: Any) -> str:
    """The message ``key`` in ``lang``: ``t("label.report.title", "en")``."""
    return catalogue().t(key, lang, **params)


def texts(key: str, /, **params: Any) -> dict[str, str]:
    """The message ``key`` in every language."""
    return catalogue().texts(key, **params)


def pair(key: str, /, *, sep: str = " / ", **params: Any) -> str:
    """Italian and English side by side (``riga/row``), for output that speaks both at once; one text when equal."""
    italian, english = both(key, **params)
    return italian if italian == english else f"{italian}{sep}{english}"


def both(key: str, /, **params: Any) -> tuple[str, str]:
    """The message ``key`` in Italian and English, the pair every bilingual output shows."""
    cat = catalogue()
    return cat.t(key, DEFAULT, **params), cat.t(key, FALLBACK, **params)
