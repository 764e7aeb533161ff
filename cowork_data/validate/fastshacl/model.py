"""What the fast SHACL engine compiles and reports: targets, checks, results."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from rdflib.namespace import RDF, RDFS
from rdflib.term import Node

from cowork_data.errors import Unsupported
from cowork_data.validate.fastshacl.sparql import Item, Slot, render
from cowork_data.validate.report import Finding

__all__ = ["CLAIMED", "Check", "FastResult", "Focus", "Result", "Scan", "Targets", "Unsupported", "class_path"]

#: Constraint components the engine compiles (everything else makes it fall back to pySHACL).
CLAIMED: tuple[str, ...] = (
    "sh:AndConstraintComponent", "sh:ClassConstraintComponent", "sh:ClosedConstraintComponent",
    "sh:DatatypeConstraintComponent", "sh:DisjointConstraintComponent", "sh:EqualsConstraintComponent",
    "sh:HasValueConstraintComponent", "sh:InConstraintComponent", "sh:LanguageInConstraintComponent",
    "sh:LessThanConstraintComponent", "sh:LessThanOrEqualsConstraintComponent", "sh:MaxCountConstraintComponent",
    "sh:MaxExclusiveConstraintComponent", "sh:MaxInclusiveConstraintComponent", "sh:MaxLengthConstraintComponent",
    "sh:MinCountConstraintComponent", "sh:MinExclusiveConstraintComponent", "sh:MinInclusiveConstraintComponent",
    "sh:MinLengthConstraintComponent", "sh:NodeConstraintComponent", "sh:NodeKindConstraintComponent",
    "sh:NotConstraintComponent", "sh:OrConstraintComponent", "sh:PatternConstraintComponent",
    "sh:SPARQLConstraintComponent", "sh:UniqueLangConstraintComponent", "sh:XoneConstraintComponent",
)


def class_path(node: str, cls: str) -> str:
    """``node`` is an instance of ``cls`` or of a subclass, as a SPARQL path (the plan may resolve it)."""
    return f"{node} <{RDF.type}>/<{RDFS.subClassOf}>* {cls}"


@dataclass(frozen=True)
class Targets:
    """The targets of a shape (SHACL section 2.1.3), terms in SPARQL syntax, each tuple sorted."""

    classes: tuple[str, ...] = ()
    nodes: tuple[str, ...] = ()
    subjects_of: tuple[str, ...] = ()
    objects_of: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.classes or self.nodes or self.subjects_of or self.objects_of)

    def parts(self, isa: Callable[[str, str], str] = class_path) -> list[str]:
        """One graph pattern per target, binding ``?this``; ``isa`` writes the class targets."""
        parts = [f"{isa('?this', cls)} ." for cls in self.classes]
        if self.nodes:
            parts.append("VALUES ?this { " + " ".join(self.nodes) + " }")
        parts += [f"?this {p} ?_t ." for p in self.subjects_of]
        parts += [f"?_t {p} ?this ." for p in self.objects_of]
        return parts

    def select(self, isa: Callable[[str, str], str] = class_path, only: Sequence[str] = ()) -> str:
        """A sub-select of the focus nodes, each once; ``only``: restricted to those nodes."""
        union = " UNION ".join("{ " + part + " }" for part in self.parts(isa))
        values = "VALUES ?this { " + " ".join(only) + " } " if only else ""
        return "{ SELECT DISTINCT ?this WHERE { " + values + union + " } }"


@dataclass(frozen=True, eq=False)
class Focus(Slot):
    """Where a query joins the focus nodes of its shape (written by the plan of a run)."""

    targets: Targets

    def default(self) -> str:
        return self.targets.select()


@dataclass(frozen=True, eq=False)
class Scan(Slot):
    """The focus nodes joined with their values on one predicate: ``{focus} ?this <p> ?value .``, where the plan
    chooses which side pyoxigraph starts from (``predicate`` is an IRI, or ``?path`` for every predicate)."""

    targets: Targets
    predicate: str

    def default(self) -> str:
        return f"{self.targets.select()} ?this {self.predicate} ?value ."


@dataclass(frozen=True, eq=False)
class Check:
    """One compiled constraint: its query (``SELECT ?this [?value] [?path]``) and what it reports."""

    shape: Node
    component: str
    query: list[Item] | None
    severity: Node
    path: Node | None
    targets: Targets
    constraint: Node | None = None
    value_is_focus: bool = False
    #: SPARQL whose ``$this`` must be substituted per focus node (it occurs in nested groups).
    substitute: bool = False
    #: A count check on a plain IRI path that the run merges with the others of the same targets:
    #: ``("min", path, 1)`` or ``("max", path, n)``.
    batch: tuple[str, str, int] | None = None
    #: Paths from a focus node to the nodes whose triples its result depends on besides its own (SPARQL
    #: syntax); ``None`` when they cannot be bounded (a SPARQL query that cannot be analysed, a repeated complex
    #: path). See :mod:`.incremental`.
    reach: tuple[str, ...] | None = ()
    #: Why a SPARQL constraint's reach is None (:mod:`.sparql_reach`), "" otherwise.
    reach_note: str = ""

    @property
    def text(self) -> str:
        """The query as written before a run plans it (empty for a deactivated constraint)."""
        return render(self.query) if self.query is not None else ""


@dataclass(frozen=True)
class Result:
    """One validation result, as terms of the data graph and of the shapes graph."""

    focus: Node
    path: Node | None
    value: Node | None
    severity: Node
    component: str
    shape: Node
    constraint: Node | None = None
    message: Node | None = None


@dataclass
class FastResult:
    findings: list[Finding]
    fallback: str = ""
    checks: int = 0
    claimed: list[str] = field(default_factory=list)
