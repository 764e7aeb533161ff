"""OpenStreetMap through the Overpass API: the JSON of `[out:json]` with `out center tags`
(https://wiki.openstreetmap.org/wiki/Overpass_API/Output_Formats#JSON).

One record per element (`node`, `way`, `relation`): `osm_id` (`node/123`), `osm_url`, the position (`lat`/`lon`
of a node, the `center` of a way or relation) and every tag as `tags.{key}` (`tags.name`, `tags.addr:street`,
`tags.amenity`). OSM data are under the ODbL: each record states it (`licence`, `attribution`) so that any table
derived from it keeps the notice. Overpass answers HTTP 200 with a `remark` when a query failed on the server
(`runtime error: Query timed out …`, `… out of memory …`): the elements are then incomplete and the answer is
refused, never taken for the whole dataset.
"""

from __future__ import annotations

from urllib.parse import urlencode

from cowork_data.harvest.adapters.base import RawTable, UnreadableSnapshot, cell_text, json_document, table_from_records

__all__ = ["ATTRIBUTION", "LICENCE", "ServiceError", "TAGS", "parse", "query", "query_url"]

LICENCE = "ODbL-1.0"
ATTRIBUTION = "© OpenStreetMap contributors"
#: The tags of the space-types scheme (vocab/space-types.ttl).
TAGS = (("amenity", "coworking_space"), ("office", "coworking"), ("leisure", "hackerspace"))


class ServiceError(UnreadableSnapshot):
    """The service answered, but says the query failed (an Overpass `remark`, a SPARQL timeout)."""

    cause = "service-error"


def query(country: str, *, timeout: int = 180) -> str:
    """The Overpass QL query for the spaces of a country (ISO 3166-1 alpha-2), positions as centres."""
    selectors = "".join(f'nwr["{key}"="{value}"](area.country);' for key, value in TAGS)
    return (f'[out:json][timeout:{timeout}];area["ISO3166-1"="{country.upper()}"][admin_level=2]->.country;'
            f"({selectors});out center tags;")


def query_url(endpoint: str, overpass_query: str) -> str:
    """A GET URL for the interpreter (`?data=`), which the harvester's conditional GET can repeat."""
    return f"{endpoint}?{urlencode({'data': overpass_query})}"


def parse(data: bytes, *, expected: tuple[str, ...] = (), fmt: str = "overpass-json") -> RawTable:
    document = json_document(data, "error.overpass-not-json")
    if not isinstance(document, dict) or not isinstance(document.get("elements"), list):
        raise UnreadableSnapshot("error.overpass-no-elements")
    remark = str(document.get("remark") or "")
    if "error" in remark.lower():
        raise ServiceError("error.overpass-error", remark=remark)
    notice = str((document.get("osm3s") or {}).get("copyright") or "")
    if notice and "odbl" not in notice.lower():
        raise UnreadableSnapshot("error.overpass-licence", notice=notice)
    records = []
    for element in document["elements"]:
        if not isinstance(element, dict) or element.get("type") not in ("node", "way", "relation"):
            continue
        kind, number = element["type"], cell_text(element.get("id"))
        position = element if kind == "node" else element.get("center") or {}
        record = {"osm_id": f"{kind}/{number}", "osm_url": f"https://www.openstreetmap.org/{kind}/{number}",
                  "lat": cell_text(position.get("lat")), "lon": cell_text(position.get("lon")),
                  "licence": LICENCE, "attribution": ATTRIBUTION}
        for key, value in sorted((element.get("tags") or {}).items()):
            record[f"tags.{key}"] = cell_text(value)
        records.append(record)
    return table_from_records(records, "element")
