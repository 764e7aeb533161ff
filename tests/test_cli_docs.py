"""Every command has help text ending in an example, and is documented in the README."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from cowork_data.cli import cli

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
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
