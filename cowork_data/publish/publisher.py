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

from cowork_data import i18n
from cowork_data.errors import ConfigError

__all__ = ["PUBLISHER_FILE", "SHAPES", "Publisher", "load_publisher"]

PUBLISHER_FILE = "publisher.toml"
#: The keys of ``publisher.toml``, each a text of this shape (the catalogue's ``error.publisher-shape.what.<key>`` says
#: it in words).
SHAPES = {
    "name": re.compile(r"\S"),
    "identifier": re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"),
    "email": re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$"),
    "homepage": re.compile(r"^https?://"),
}


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
        raise ConfigError("error.publisher-unreadable", path=path, detail=exc) from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError("error.publisher-toml", path=path, detail=exc) from exc
    values = {}
    for key in SHAPES:
        value = data.get(key)
        if not isinstance(value, str) or not value.strip():
            raise ConfigError("error.publisher-missing", path=path, key=key)
        values[key] = value.strip()
    for key, shape in SHAPES.items():
        if not shape.match(values[key]):
            raise ConfigError("error.publisher-shape", path=path, key=key, value=repr(values[key]),
                              what=i18n.Text.of(f"error.publisher-shape.what.{key}"))
    return Publisher(**values)
