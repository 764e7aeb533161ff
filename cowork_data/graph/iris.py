"""IRIs of the records and of their sub-resources (DESIGN.md section 4).

Records, relative to ``base`` (default ``https://w3id.org/cowork-data/``)::

    data/organization/{organisations.id}       11-digit fiscal code, or the fallback ipa-… / nc-…
    data/workspace/{spaces.id}                 spaces.id is already {belfiore}/{slug}
    data/call/{calls.id}                       {belfiore}/{year}-{slug}[/{measure}]
    {call}/admission/{slug}                    the space is in the call's comune
    {call}/admission/{belfiore}/{slug}         the space is in another comune (keeps the IRI unique)
    {call}/award/{number}
    {call}/outcome/{as_of}
    data/source/{source_id}                    one provenance node per source snapshot

Sub-resources are hash IRIs on their record: ``#address``, ``#geometry``, ``#feature-{code}`` on a workspace;
``#window``, ``#cap``, ``#funding-{funder id}`` (and ``#funding-{funder id}-amount``) on a call; ``#validity`` on an
admission; ``#amount`` and ``#beneficiary`` on an award; ``#legal-status``, ``#activity-type``, ``#address`` on an
organisation. No blank nodes: the same rows always give the same triples.
"""

from __future__ import annotations

from urllib.parse import quote

from rdflib import URIRef

# Characters kept as they are in a path segment of ours; the ids are already slugs, this only guards odd input.
_SAFE = "/-._~:@!$&'()*+,;="


def path_segment(value: str) -> str:
    """``value`` percent-encoded outside the safe set of a path segment (``/`` kept: ids are ``{belfiore}/{slug}``)."""
    return quote(value, safe=_SAFE)


def organization_iri(base: str, org_id: str) -> URIRef:
    return URIRef(f"{base}data/organization/{path_segment(org_id)}")


def workspace_iri(base: str, space_id: str) -> URIRef:
    return URIRef(f"{base}data/workspace/{path_segment(space_id)}")


def call_iri(base: str, call_id: str) -> URIRef:
    return URIRef(f"{base}data/call/{path_segment(call_id)}")


def source_iri(base: str, source_id: str) -> URIRef:
    return URIRef(f"{base}data/source/{path_segment(source_id)}")


def snapshot_iri(base: str, source_id: str, sha256: str) -> URIRef:
    """One recorded snapshot of a source, named by the first 16 hex digits of its sha256."""
    return URIRef(f"{source_iri(base, source_id)}/snapshot/{sha256[:16]}")


def record_iri(snapshot: URIRef, source_record: str) -> URIRef:
    """A record inside a snapshot: ``row=5`` → ``{snapshot}#row=5``; ``calls.csv#row=2`` (one file of a snapshot
    made of several) → ``{snapshot}/calls.csv#row=2`` (RFC 7111 fragments for CSV)."""
    part, _, fragment = source_record.rpartition("#")
    return URIRef(f"{snapshot}/{path_segment(part)}#{fragment}" if part else f"{snapshot}#{fragment}")


def admission_iri(base: str, call_id: str, space_id: str) -> URIRef:
    belfiore, _, slug = space_id.partition("/")
    call_belfiore = call_id.partition("/")[0]
    tail = slug if slug and belfiore == call_belfiore else space_id
    return URIRef(f"{call_iri(base, call_id)}/admission/{path_segment(tail)}")


def award_iri(base: str, call_id: str, number: str) -> URIRef:
    return URIRef(f"{call_iri(base, call_id)}/award/{path_segment(number)}")


def outcome_iri(base: str, call_id: str, as_of: str) -> URIRef:
    return URIRef(f"{call_iri(base, call_id)}/outcome/{path_segment(as_of)}")


def hash_iri(record: URIRef, fragment: str) -> URIRef:
    return URIRef(f"{record}#{path_segment(fragment)}")


def web_iri(url: str) -> URIRef:
    """A URL from a table as an IRI, percent-encoding the characters an IRI cannot hold (spaces, quotes...)."""
    return URIRef(quote(url.strip(), safe="/:?#[]@!$&'()*+,;=%~-._"))
