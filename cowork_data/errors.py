"""Exceptions of cowork-data.

Every error a user can cause carries a message in Italian and in English, and where possible a fix hint.
The CLI turns them into a clean message and an exit code; it never shows a traceback.

    CoworkDataError                 base: catch this to handle every error of the toolkit
    ├── UsageError                  bad arguments or unreadable input given by the user (exit code 2)
    │   └── UnreadableFileError     a file that is not a table the toolkit can read (binary, wrong format)
    ├── ConfigError                 a broken file in sources/, schemas/, shapes/ or vocab/
    ├── HarvestError                a source could not be fetched or its snapshot is missing
    ├── ValidationFailed            published data broke the Table Schema or the SHACL shapes
    └── PublishError                the publish step could not complete; the previous version is intact
"""

from __future__ import annotations


class CoworkDataError(Exception):
    """Base class: an error with an Italian and an English message."""

    exit_code = 1

    def __init__(self, message_it: str, message_en: str, *, hint_it: str = "", hint_en: str = "") -> None:
        super().__init__(message_en)
        self.message_it = message_it
        self.message_en = message_en
        self.hint_it = hint_it
        self.hint_en = hint_en

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


class ConfigError(CoworkDataError):
    pass


class HarvestError(CoworkDataError):
    pass


class ValidationFailed(CoworkDataError):
    def __init__(self, message_it: str, message_en: str, *, report=None, **kw) -> None:
        super().__init__(message_it, message_en, **kw)
        self.report = report


class PublishError(CoworkDataError):
    pass
