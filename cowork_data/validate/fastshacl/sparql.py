"""SPARQL text as tokens and nested groups: the structure the engine's query rewrites work on.

A query is read with SPARQL 1.1's lexical rules (https://www.w3.org/TR/sparql11-query/#grammar, section 19.8):
IRIs, the four kinds of string, variables, prefixed names, blank nodes, numbers, language tags, keywords and
punctuation; comments are dropped. Brackets (``{}``, ``()``, ``[]``) nest into :class:`Group` items, so a brace
inside a string or an IRI, or a ``#`` inside an IRI, can never be mistaken for structure. Each token keeps the
white space before it, so an unchanged query renders as written (less its comments).

A query tree may also hold :class:`Slot` items: placeholders (such as the focus nodes of a shape) that are written
only when the query is rendered for a store (:func:`render`). Text that is not SPARQL at the lexical level (an
unknown character, an unclosed string or bracket) raises :class:`~cowork_data.errors.Unsupported`.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from cowork_data.errors import Unsupported

__all__ = ["Group", "Item", "Slot", "Token", "build", "canonical_prologue", "find_vars", "is_var",
           "is_word", "render", "tokens", "walk"]

_PN_LOCAL_ESC = r"\\[_~.\-!$&'()*+,;=/?#@%]"
_PLX = rf"(?:%[0-9A-Fa-f]{{2}}|{_PN_LOCAL_ESC})"
_LEXICON = re.compile(
    r"""(?P<space>(?:\s|\#[^\n]*)+)"""
    r"""|(?P<iri><[^<>"{}|^`\\\x00-\x20]*>)"""
    r'''|(?P<string>"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^'\\]|\\.|'(?!''))*\'\'\''''
    r'''|"(?:[^"\\\n\r]|\\.)*"|'(?:[^'\\\n\r]|\\.)*')'''
    r"""|(?P<var>[?$][\w\u00B7\u0300-\u036F\u203F\u2040]+)"""
    r"""|(?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)"""
    r"""|(?P<bnode>_:[\w](?:[\w\-.\u00B7]*[\w\-\u00B7])?)"""
    r"""|(?P<number>\d*\.\d+(?:[eE][+-]?\d+)?|\d+\.?\d*[eE][+-]?\d+|\d+)"""
    rf"""|(?P<pname>(?:[^\W\d_](?:[\w\-.\u00B7]*[\w\-\u00B7])?)?:"""
    rf"""(?:(?:[\w:]|{_PLX})(?:(?:[\w\-.:\u00B7]|{_PLX})*(?:[\w\-:\u00B7]|{_PLX}))?)?)"""
    r"""|(?P<word>[A-Za-z_][A-Za-z0-9_]*)"""
    r"""|(?P<punct>\^\^|\|\||&&|!=|<=|>=|[{}()\[\].,;*/|^!=<>+\-?])"""
    r"""|(?P<error>.)""",
    re.S,
)
_COMMENT = re.compile(r"#[^\n]*")
_PAIRS = {"{": "}", "(": ")", "[": "]"}


@dataclass(frozen=True)
class Token:
    """One lexical token: its kind (``iri``, ``string``, ``var``, ``pname``, ``word``, ``punct``, …), its text as
    written, and the white space written before it."""

    kind: str
    text: str
    space: str = " "


class Slot(ABC):
    """A placeholder in a query tree, written by the ``fill`` function given to :func:`render`."""

    @abstractmethod
    def default(self) -> str:
        """The text of the slot when no ``fill`` function is given."""


@dataclass
class Group:
    """A bracketed group (``{ … }``, ``( … )`` or ``[ … ]``) and the items inside it."""

    open: Token
    items: list[Item] = field(default_factory=list)
    close: Token = field(default_factory=lambda: Token("punct", "}"))

    @property
    def kind(self) -> str:
        return self.open.text


Item = Token | Group | Slot


def tokens(text: str) -> list[Token]:
    """The tokens of ``text``; comments are dropped (the line break that ends one is kept)."""
    out: list[Token] = []
    space = ""
    for match in _LEXICON.finditer(text):  # every character is in a match (the last alternative takes any)
        kind = match.lastgroup
        if kind == "space":
            space += _COMMENT.sub("", match.group()) if "#" in match.group() else match.group()
        elif kind == "error":
            raise Unsupported(f"unexpected {text[match.start():match.start() + 20]!r} at {match.start()}")
        else:
            out.append(Token(kind, match.group(), space))  # type: ignore[arg-type]
            space = ""
    return out


def build(*parts: str | Slot | Iterable[Item]) -> list[Item]:
    """A query tree from text fragments, slots and items (brackets may open in one fragment and close in another)."""
    flat: list[Token | Slot | Group] = []
    for part in parts:
        if isinstance(part, str):
            found = tokens(part)
            if found and not found[0].space:  # fragments are separate tokens
                found[0] = Token(found[0].kind, found[0].text, " ")
            flat.extend(found)
        elif isinstance(part, Slot):
            flat.append(part)
        else:
            flat.extend(part)
    root: list[Item] = []
    stack: list[tuple[Group, list[Item]]] = []
    items = root
    for item in flat:
        if isinstance(item, Token) and item.kind == "punct" and item.text in _PAIRS:
            group = Group(item)
            items.append(group)
            stack.append((group, items))
            items = group.items
        elif isinstance(item, Token) and item.kind == "punct" and item.text in _PAIRS.values():
            if not stack or _PAIRS[stack[-1][0].open.text] != item.text:
                raise Unsupported(f"unbalanced {item.text!r}")
            group, items = stack.pop()
            group.close = item
        else:
            items.append(item)
    if stack:
        raise Unsupported(f"unclosed {stack[-1][0].open.text!r}")
    return root


def render(items: Iterable[Item], fill: Callable[[Slot], str] | None = None) -> str:
    """The text of a query tree; slots are written by ``fill`` (else their default text)."""
    out: list[str] = []
    _emit(items, out, fill)
    return "".join(out).strip()


def _emit(seq: Iterable[Item], out: list[str], fill: Callable[[Slot], str] | None) -> None:
    # a module function, not a recursive closure: a closure that calls itself is a reference cycle, which would
    # keep ``fill`` (and the store its plan queries) alive until the cycle collector runs, and RocksDB refuses to
    # open a store again at the same path while an earlier handle lives in the process (a second build)
    for item in seq:
        if isinstance(item, Token):
            out.append(item.space + item.text)
        elif isinstance(item, Group):
            out.append(item.open.space + item.open.text)
            _emit(item.items, out, fill)
            out.append(item.close.space + item.close.text)
        else:
            out.append(" " + (fill(item) if fill is not None else item.default()))


def walk(items: Sequence[Item]) -> Iterator[tuple[Item, Sequence[Item], int]]:
    """Every item of the tree, depth first, with the sequence that holds it and its index there."""
    for i, item in enumerate(items):
        yield item, items, i
        if isinstance(item, Group):
            yield from walk(item.items)


def is_var(item: Item | None, *names: str) -> bool:
    """True when ``item`` is the variable ``?name`` or ``$name`` (the same variable in SPARQL) for one of ``names``."""
    return isinstance(item, Token) and item.kind == "var" and item.text[1:] in names


def is_word(item: Item | None, *words: str) -> bool:
    """True when ``item`` is one of the keywords ``words`` (SPARQL keywords are case-insensitive)."""
    return isinstance(item, Token) and item.kind == "word" and item.text.upper() in words


def find_vars(items: Sequence[Item], *names: str) -> list[tuple[Sequence[Item], int]]:
    """Where the variables ``names`` occur: (sequence, index) pairs."""
    return [(seq, i) for item, seq, i in walk(items) if is_var(item, *names)]


def canonical_prologue(text: str) -> str:
    """The same query with its leading ``PREFIX`` declarations sorted and its comments dropped.

    The order of a prologue's declarations does not change a query when no prefix is declared twice (then the
    text is returned as it is, as it is when it does not tokenize).
    """
    try:
        found = tokens(text)
    except Unsupported:
        return text
    declared: list[tuple[str, str]] = []
    i = 0
    while i + 2 < len(found) and is_word(found[i], "PREFIX") and found[i + 1].kind == "pname" \
            and found[i + 2].kind == "iri":
        declared.append((found[i + 1].text, found[i + 2].text))
        i += 3
    if len({prefix for prefix, _ in declared}) != len(declared):
        return text
    return "".join(f"PREFIX {p} {iri}\n" for p, iri in sorted(declared)) + "".join(
        t.space + t.text for t in found[i:])
