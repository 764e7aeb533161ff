"""``docs/cli.md``: the reference of every ``cowork-data`` command, generated from the Click commands' ``--help``.

``python -m cowork_data.cli_docs`` rewrites the file; ``--check`` only says whether it is up to date (exit 1 when
not). ``tests/test_cli_docs.py`` fails when a command's help changed and the file was not regenerated.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

__all__ = ["DOC", "cli_markdown", "main"]

#: Where the reference lives, relative to the project root.
DOC = Path("docs/cli.md")
WIDTH = 100  # the help is wrapped at this width whatever the terminal, so the file is the same on every machine

HEADER = """# Command line reference

Generated from the commands' `--help` by `python -m cowork_data.cli_docs` (a test checks it is up to date): do
not edit by hand. The README's table says what each command is for; this page lists every option.
"""


def _sections(command: click.Command, parent: click.Context | None, path: list[str]) -> list[str]:
    settings = {"terminal_width": WIDTH, "max_content_width": WIDTH, **command.context_settings}
    ctx = click.Context(command, info_name=path[-1], parent=parent, **settings)
    title = " ".join(path)
    out = [f"## `{title}`\n", "```text", command.get_help(ctx).rstrip(), "```\n"]
    if isinstance(command, click.Group):
        for name in sorted(command.commands):
            sub = command.commands[name]
            if not sub.hidden:
                out.extend(_sections(sub, ctx, [*path, name]))
    return out


def cli_markdown() -> str:
    """The text of ``docs/cli.md`` for the commands as they are now."""
    from cowork_data.cli import cli

    return HEADER + "\n" + "\n".join(_sections(cli, None, ["cowork-data"]))


def main(argv: list[str] | None = None) -> int:
    from cowork_data.config import project_root

    args = sys.argv[1:] if argv is None else argv
    path = project_root() / DOC
    text = cli_markdown()
    current = path.read_text(encoding="utf-8") if path.is_file() else ""
    if "--check" in args:
        if current != text:
            print(f"{DOC} is out of date: run python -m cowork_data.cli_docs", file=sys.stderr)
            return 1
        return 0
    if current != text:
        path.write_text(text, encoding="utf-8")
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
