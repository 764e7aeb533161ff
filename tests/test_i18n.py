"""The message catalogue: every key in both languages with the same parameters, every key used in code exists and
every key is used, and a new language is one new file."""

from __future__ import annotations

import ast
import re
import shutil
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from cowork_data import i18n
from cowork_data.cli import cli
from cowork_data.errors import QueryTimeout, UsageError
from cowork_data.site import data as site_data
from cowork_data.validate import checks, validate_file
from cowork_data.validate.fix import fix_file
from cowork_data.validate.html import report_page

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "cowork_data"
PLANTED = ROOT / "tests" / "fixtures" / "validator" / "planted.csv"
NAMESPACES = ("finding", "error", "label", "cli", "fix", "type", "constraint", "geo")
KEY = re.compile(rf"^(?:{'|'.join(NAMESPACES)})\.[A-Za-z0-9_.-]*[A-Za-z0-9_-]$")


def _keys(lang: str) -> dict[str, str]:
    return i18n.Catalogue().messages[lang]


def test_every_key_has_both_languages() -> None:
    italian, english = _keys("it"), _keys("en")
    assert sorted(set(italian) ^ set(english)) == []
    assert len(italian) > 150
    for key in italian:
        assert bool(italian[key]) == bool(english[key]), key  # an empty hint is empty in both


def test_both_languages_use_the_same_parameters() -> None:
    italian, english = _keys("it"), _keys("en")
    for key, text in italian.items():
        assert i18n.placeholders(text) == i18n.placeholders(english[key]), key


def _modules() -> dict[Path, ast.Module]:
    return {path: ast.parse(path.read_text(encoding="utf-8")) for path in sorted(PACKAGE.rglob("*.py"))}


def _template_keys() -> set[str]:
    """The keys the site's templates show: ``say("label.site.…")``."""
    return {key for path in sorted(PACKAGE.rglob("*.j2"))
            for key in re.findall(r"""\bsay\(\s*["']([^"']+)["']""", path.read_text(encoding="utf-8"))}


def _code_strings() -> tuple[set[str], set[str]]:
    """Literal keys (in the code and the templates) and the constant heads of f-string keys
    (``f"finding.{code}.message"`` → ``finding.``)."""
    literals: set[str] = _template_keys()
    prefixes: set[str] = set()
    for tree in _modules().values():
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and KEY.match(node.value):
                literals.add(node.value)
            elif isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant):
                head = str(node.values[0].value)
                if head.split(".")[0] in NAMESPACES and "." in head:
                    prefixes.add(head)
    return literals, prefixes


def _families() -> set[str]:
    """Keys a module builds from a prefix and a name it writes: the prefix an f-string head
    (``f"cli.column.{name}"``) or a section (``Section("cli.report", lang)``), the name any string in that module
    (``columns("row", "cell")``, ``t["title"]``, ``for name in ("added", …)``)."""
    keys = set()
    for tree in _modules().values():
        strings = {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)}
        heads = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant):
                head = str(node.values[0].value)
                if head.split(".")[0] in NAMESPACES and head.endswith(".") and len(node.values) == 2:
                    heads.add(head)
        heads |= {s + "." for s in strings if KEY.match(s)}
        keys |= {head + name for head in heads for name in strings}
    return keys


def _section_names(module: Path, prefix: str) -> set[str]:
    """The names a module reads from ``Section(prefix)``: ``t["name"]``, ``t.get("name"…)``, ``t.format("name"…)``."""
    text = module.read_text(encoding="utf-8")
    assert f'Section("{prefix}"' in text
    return set(re.findall(r"""\bt(?:\[|\.get\(|\.format\()["']([A-Za-z0-9_-]+)["']""", text))


def test_every_key_used_in_code_exists() -> None:
    keys = i18n.catalogue().keys()
    literals, prefixes = _code_strings()
    for literal in sorted(literals):
        assert literal in keys or f"{literal}.message" in keys or any(k.startswith(literal + ".") for k in keys), \
            literal
    for prefix in sorted(prefixes):
        assert any(k.startswith(prefix) for k in keys), prefix
    for code in checks.KINDS:
        assert f"finding.{code}.message" in keys and f"finding.{code}.hint" in keys, code
    for module, prefix in ((PACKAGE / "validate" / "html.py", "label.report"),
                           (PACKAGE / "serve" / "validation.py", "label.valida"),
                           (PACKAGE / "cli.py", "cli.report")):
        for name in _section_names(module, prefix):
            assert f"{prefix}.{name}" in keys, (module.name, name)


def test_no_key_is_unused() -> None:
    keys = i18n.catalogue().keys()
    literals, _prefixes = _code_strings()
    used = {k for k in keys if k in literals or k.rsplit(".", 1)[0] in literals}  # errors: <key>.message / .hint
    used |= keys & _families()
    # findings: by the registry's codes (the field hints name a schema field)
    fields = {f["name"] for table in site_data.TABLE_NAMES for f in _schema(table)["fields"]}
    for key in keys:
        if key.startswith("finding."):
            code, part = key.split(".")[1], key.split(".")[2]
            assert code in checks.KINDS or code == "unknown", key
            assert part in ("message", "hint", "field-hint"), key
            if part == "field-hint":
                assert key.split(".")[3] in fields, key
            used.add(key)
    # a finding's severity is read as its label
    used |= {f"label.report.{s}" for s in ("error", "warning", "info")}
    # site code lists: exactly their codes
    for labels in (site_data.SPACE_TYPES, site_data.CALL_TYPES, site_data.STATUSES, site_data.FEATURES,
                   site_data.WHEELCHAIR):
        section = {k for k in keys if k.startswith(labels.prefix + ".")}
        assert section == {f"{labels.prefix}.{c}" for c in labels.codes}, labels.prefix
    # Table Schema types and frictionless constraint names, read from a finding's field and note
    types = {f.get("type", "string") for table in site_data.TABLE_NAMES for f in _schema(table)["fields"]}
    used |= {k for k in keys if k.startswith("type.") and k.removeprefix("type.") in types}
    constraints = {"pattern", "minimum", "maximum", "enum", "minLength", "maxLength", "required", "unique"}
    used |= {k for k in keys if k.startswith("constraint.") and k.removeprefix("constraint.") in constraints}
    assert sorted(keys - used) == []


def _schema(table: str) -> dict:
    from cowork_data.validate.schemas import schema_descriptor

    return schema_descriptor(table)


def test_parameters_are_filled_in_the_language_rendered() -> None:
    title = {"it": "Partita IVA", "en": "VAT number"}
    text = i18n.Text.of("constraint.pattern", v="^[0-9]{11}$")
    assert i18n.t("finding.constraint-error.message", "it", value="1", column="PIVA", constraint=text) == (
        "Il valore «1» nella colonna «PIVA» non rispetta il vincolo: formato ^[0-9]{11}$.")
    assert i18n.t("finding.missing-value.hint", "en", title=title) == "Fill in the cell with the field “VAT number”."
    assert i18n.both("label.valida.too-big", mb=3)[1].startswith("The file is too large: the limit is 3 MB.")
    with pytest.raises(KeyError):
        i18n.t("label.report.no-such-label", "it")


def _third_language(tmp_path: Path) -> Path:
    """The shipped files and an ``xx.toml``: every English text marked ``[xx]`` (parameters kept)."""
    for path in i18n.LOCALES_DIR.glob("*.toml"):
        shutil.copy(path, tmp_path / path.name)
    lines = []
    for line in (i18n.LOCALES_DIR / "en.toml").read_text(encoding="utf-8").splitlines():
        lines.append(re.sub(r'^([A-Za-z0-9_.-]+) = "(.+)"$', r'\1 = "[xx] \2"', line))
    (tmp_path / "xx.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with (tmp_path / "xx.toml").open("rb") as fh:
        tomllib.load(fh)
    return tmp_path


def test_a_new_language_is_one_new_file(tmp_path: Path) -> None:
    with i18n.using(_third_language(tmp_path)):
        assert i18n.languages() == ("it", "en", "xx")
        assert i18n.t("label.report.title", "xx") == "[xx] Validation report"
        report = validate_file(PLANTED)
        finding = next(f for f in report.findings if f.code == "vat-check-digit")
        assert finding.message("xx").startswith("[xx] The VAT number “")
        assert finding.hint("xx").startswith("[xx] ")
        constrained = next(f for f in report.findings if f.code == "constraint-error" and f.field == "workstations")
        assert "[xx] minimum value 1" in constrained.message("xx")  # a parameter rendered in the language too
        page = report_page(report, lang="xx")
        assert "[xx] Validation report" in page and "[xx] How to fix" in page
        assert QueryTimeout(3).message("xx").startswith("[xx] The SPARQL query ran past the time limit (3 s)")
        result = CliRunner().invoke(cli, ["validate", str(PLANTED), "--lang", "xx"])
        assert result.exit_code == 1, result.output
        assert "[xx] The VAT number" in result.output
        fixed = fix_file(PLANTED, tmp_path / "fixed.csv")
        assert fixed.changes and all(c.reason("xx").startswith("[xx] ") for c in fixed.changes)
    assert i18n.languages() == ("it", "en")
    assert CliRunner().invoke(cli, ["validate", str(PLANTED), "--lang", "xx"]).exit_code == 2


def test_a_language_missing_keys_falls_back_to_english(tmp_path: Path) -> None:
    for path in i18n.LOCALES_DIR.glob("*.toml"):
        shutil.copy(path, tmp_path / path.name)
    (tmp_path / "de.toml").write_text('[label.report]\ntitle = "Prüfbericht"\n', encoding="utf-8")
    with i18n.using(tmp_path) as cat:
        assert cat.languages == ("it", "en", "de")
        assert i18n.t("label.report.title", "de") == "Prüfbericht"
        assert i18n.t("label.report.cell", "de") == "Cell"
        error = UsageError("error.query-timeout", seconds="2")
        assert error.message("de") == error.message_en
