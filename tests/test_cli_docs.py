"""Every command has help text ending in an example, is documented in the README, and ``docs/cli.md`` (generated from
the commands' help) is up to date."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from cowork_data.cli import cli

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
COMMANDS = sorted(cli.commands)


@pytest.mark.parametrize("name", COMMANDS)
def test_command_has_help_with_example(name: str) -> None:
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0, result.output
    assert "Example:" in result.output
    assert re.search(rf"cowork-data {name}\b", result.output.split("Example:", 1)[1])


@pytest.mark.parametrize("name", COMMANDS)
def test_command_is_documented_in_readme(name: str) -> None:
    assert f"`cowork-data {name}" in README


def test_readme_starts_with_the_two_commands() -> None:
    head = README[:1200]
    assert "make run" in head and "make test" in head


def test_python_module_entry_point() -> None:
    proc = subprocess.run([sys.executable, "-m", "cowork_data", "--help"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and "build" in proc.stdout


def test_docs_cli_md_is_generated_from_the_commands_and_up_to_date() -> None:
    from cowork_data.cli_docs import DOC, cli_markdown

    text = cli_markdown()
    assert all(f"## `cowork-data {name}`" in text for name in COMMANDS)
    committed = (ROOT / DOC).read_text(encoding="utf-8")
    assert committed == text, f"{DOC} is out of date: run .venv/bin/python -m cowork_data.cli_docs and commit it"


def test_docs_cli_md_does_not_depend_on_the_terminal_width() -> None:
    env = {**os.environ, "COLUMNS": "40"}
    proc = subprocess.run([sys.executable, "-m", "cowork_data.cli_docs", "--check"], capture_output=True, text=True,
                          timeout=120, env=env, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
