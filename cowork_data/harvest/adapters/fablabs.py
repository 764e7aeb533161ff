"""The labs of fablabs.io (https://api.fablabs.io/0/labs.json): a JSON array of labs, each with `id`, `name`,
`slug`, `kind_name` (`fab_lab`, `mini_fab_lab`, `mobile`, …), `activity_status` (`active`, `planned`, `closed`),
`country_code` (ISO alpha-2, lower case), `city`, `postal_code`, `address_1`, `address_2`, `latitude`,
`longitude`, `url`, `links`, `capabilities` (`three_d_printing`, `laser`, `cnc_milling`, …).

One record per lab with its scalar fields, `links` as the URLs joined by spaces, `capabilities` joined by spaces,
and `fablabs_url` (`https://www.fablabs.io/labs/{slug}`). The records are read as published: filtering by
country or status is the normaliser's job (`country_code`, `activity_status` columns).
"""

from __future__ import annotations

from cowork_data.harvest.adapters.base import RawTable, UnreadableSnapshot, cell_text, json_document, table_from_records

__all__ = ["parse"]


def parse(data: bytes, *, expected: tuple[str, ...] = (), fmt: str = "fablabs-json") -> RawTable:
    document = json_document(data, "error.fablabs-not-json")
    if not isinstance(document, list) or not all(isinstance(lab, dict) for lab in document):
        raise UnreadableSnapshot("error.fablabs-not-labs")
    records = []
    for lab in document:
        record = {key: cell_text(value) for key, value in lab.items() if not isinstance(value, (dict, list))}
        links = lab.get("links") or []
        record["links"] = " ".join(str(link.get("url", "")) if isinstance(link, dict) else str(link)
                                   for link in links).strip()
        record["capabilities"] = " ".join(str(c) for c in lab.get("capabilities") or [])
        if record.get("slug"):
            record["fablabs_url"] = f"https://www.fablabs.io/labs/{record['slug']}"
        records.append(record)
    return table_from_records(records, "lab")
