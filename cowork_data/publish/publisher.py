"""Who publishes a release: ``publisher.toml`` at the project root, read into a :class:`Publisher`.

The catalogue (:mod:`cowork_data.publish.catalog`) names this agent as the publisher and the rights holder of the
dataset and as its contact point. A comune publishing its own release writes its name, its IPA code and the e-mail
address of its open-data office there.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from cowork_data.errors import ConfigError

__all__ = ["PUBLISHER_FILE", "Publisher", "load_publisher"]

PUBLISHER_FILE = "publisher.toml"
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_IDENTIFIER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


@dataclass(frozen=True)
class Publisher:
    """The publishing organisation: name, stable identifier (IPA code for a public body), homepage, e-mail."""

    name: str
    identifier: str
    homepage: str
    email: str


def load_publisher(root: Path) -> Publisher:
    """Read ``{root}/publisher.toml``; a missing or broken file is a :class:`ConfigError` naming the key to fix."""
    path = root / PUBLISHER_FILE
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"File dell'editore illeggibile: {path} ({exc})", f"Cannot read the publisher file: {path} "
                          f"({exc})", hint_it="Crealo con name, identifier, homepage, email.",
                          hint_en="Create it with name, identifier, homepage, email.") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: TOML non valido ({exc})", f"{path}: invalid TOML ({exc})") from exc
    values = {}
    for key in ("name", "identifier", "homepage", "email"):
        value = data.get(key)
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(f"{path}: manca «{key}» (un testo).", f"{path}: “{key}” (a text) is missing.")
        values[key] = value.strip()
    checks = (
        ("identifier", _IDENTIFIER.match(values["identifier"]), "lettere, cifre, _ . -", "letters, digits, _ . -"),
        ("email", _EMAIL.match(values["email"]), "un indirizzo e-mail", "an e-mail address"),
        ("homepage", values["homepage"].startswith(("https://", "http://")), "un URL http(s)", "an http(s) URL"),
    )
    for key, ok, what_it, what_en in checks:
        if not ok:
            raise ConfigError(f"{path}: «{key}» deve essere {what_it}: {values[key]!r}.",
                              f"{path}: “{key}” must be {what_en}: {values[key]!r}.")
    return Publisher(**values)
