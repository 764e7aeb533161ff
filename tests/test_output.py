"""The CLI's JSON writer: the same text as ``json.dumps(data, ensure_ascii=False, indent=2)``, for any data."""

from __future__ import annotations

import enum
import json
import math
import random

import pytest

from cowork_data.output import json_bytes, json_text


def reference(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)


class Level(enum.IntEnum):
    LOW = 1


class Name(str):
    pass


SCALARS = ["", "Forlì", "«citato»", 'a "quote" \\ back', "tab\there\nnew\rline\b\f", "\x00\x1f\x7f", "\u2028\u2029",
           "😀 emoji", "Bolzano/Bozen", 0, -1, 2**70, True, False, None, 0.0, -0.0, 1.5, 1e-05, 1e-07, 1e16, 1e22,
           123456789.123, math.nan, math.inf, -math.inf, Level.LOW, Name("sub"), 5e-324]
KEYS = ["k", "", "Città", "a\nb", 1, -7, 2.5, 1e-05, True, False, None, Level.LOW, Name("key")]


def random_value(rng: random.Random, depth: int) -> object:
    roll = rng.random()
    if depth > 4 or roll < 0.45:
        return rng.choice(SCALARS)
    if roll < 0.6:
        return [rng.choice(SCALARS) for _ in range(rng.randrange(4))]  # a flat list, maybe empty
    if roll < 0.75:
        return {rng.choice(KEYS): rng.choice(SCALARS) for _ in range(rng.randrange(5))}  # a flat dict, maybe empty
    if roll < 0.88:
        items = [random_value(rng, depth + 1) for _ in range(rng.randrange(5))]
        return items if rng.random() < 0.7 else tuple(items)
    return {rng.choice(KEYS): random_value(rng, depth + 1) for _ in range(rng.randrange(6))}


@pytest.mark.parametrize("seed", range(300))
def test_same_text_as_json_dumps(seed: int) -> None:
    data = random_value(random.Random(seed), 0)
    assert json_text(data) == reference(data)


def test_the_validators_report_shape() -> None:
    """Findings shared by the flat list and the tree, nested parameters, empty containers at every depth."""
    finding = {"code": "decimal-comma", "row": 3, "column": 6, "value": "45,4642", "cell": "F3"}
    data = {"valid": False, "files": ["elenco.csv"], "stats": {"errors": 0, "warnings": 1}, "mapping": {},
            "findings": [finding, {"code": "x", "params": {"other": 45.4642, "list": [1, [2, []], {}]}}],
            "tree": [{"file": "elenco.csv", "sheets": [{"findings": [finding], "ignored_columns": []}]}],
            "summary": [[], {}, [[[]]], [{}]]}
    assert json_text(data) == reference(data)
    assert json_text([]) == "[]" and json_text({}) == "{}" and json_text("è") == '"è"' and json_text(None) == "null"


def test_json_errors_kept() -> None:
    with pytest.raises(TypeError, match="Object of type set is not JSON serializable"):
        json_text({"a": [1, {2}]})
    with pytest.raises(TypeError, match="Object of type object is not JSON serializable"):
        json_text(object())
    with pytest.raises(TypeError, match="keys must be str, int, float, bool or None, not tuple"):
        json_text({"a": {(1, 2): [3]}})
    with pytest.raises(TypeError, match="keys must be str, int, float, bool or None, not tuple"):
        json_text({(1, 2): 3})
    loop: list[object] = [1]
    loop.append([loop])
    with pytest.raises(ValueError, match="Circular reference detected"):
        json_text(loop)


def test_json_bytes_are_the_text_and_a_line_break_in_utf8() -> None:
    data = {"città": ["Forlì", "«citato»", "😀", 1.5, None], "vuoto": {}}
    assert json_bytes(data) == (reference(data) + "\n").encode("utf-8")
