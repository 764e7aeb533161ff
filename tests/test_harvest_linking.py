"""Linking the same space across sources: the planted FabLab is the coworking row at Via San Faustino 62; two
spaces sharing a courtyard are not merged; a doubtful match is reported, not guessed."""

from __future__ import annotations

import csv
from pathlib import Path

from cowork_data.normalise.linking import THRESHOLDS, link_spaces, update_links
from cowork_data.pipeline import collect
from tests.conftest import ROOT, copy_project, figures

LABELLED = ROOT / "tests" / "fixtures" / "linking"


def space(source: str, id_: str, name: str, street: str, number: str, lat: str = "", lon: str = "") -> dict[str, str]:
    return {"source_id": source, "id": id_, "name": name, "street_address": street, "house_number": number,
            "latitude": lat, "longitude": lon}


def test_shipped_fixtures_link_the_planted_fablab(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "root")
    (root / "ids" / "same-as.csv").unlink(missing_ok=True)
    notes: list[str] = []
    tables, _, _ = collect(root, lambda stage, detail: notes.append(detail))
    links = tables["same_as"]
    assert [(link["id"], link["same_as"], link["source_id"]) for link in links] == [
        ("f205/fablab-officina-inventata", "f205/officina-inventata-ortica", "milano-fablab")]
    assert float(links[0]["distance_m"]) < 1
    ids = {row["id"] for row in tables["spaces"]}
    assert {"f205/fablab-officina-inventata", "f205/officina-inventata-ortica"} <= ids  # both records kept
    assert not (root / "ids" / "same-as.csv").exists()  # only a build that publishes freezes the links


def test_same_address_different_name_is_ambiguous_not_linked() -> None:
    rows = [
        space("a", "f205/studio-condiviso-tortona", "Studio Condiviso Tortona", "Via Tortona", "31", "45.45", "9.16"),
        space("a", "f205/laboratorio-creativo-tortona", "Laboratorio Creativo Tortona", "Via Tortona", "31", "45.45",
              "9.16"),
        space("b", "f205/fablab-tortona", "FabLab Tortona", "Via Tortona", "31", "45.45", "9.16"),
        space("b", "f205/officina-lontana", "Officina Lontana", "Via Tortona", "31", "45.46", "9.16"),
    ]
    report = link_spaces(rows)
    assert report.links == []
    doubts = {a.id: a for a in report.ambiguous}
    assert doubts["f205/fablab-tortona"].candidates == ("f205/laboratorio-creativo-tortona",
                                                        "f205/studio-condiviso-tortona")
    # the names share only the street's name: the same address with another name, reported, not linked
    assert "same address or point but a different name" in doubts["f205/fablab-tortona"].reason_en
    assert "f205/officina-lontana" not in doubts  # over a kilometre away: not the same place


def test_links_are_frozen(tmp_path: Path) -> None:
    path = tmp_path / "same-as.csv"
    rows = [space("a", "f205/x", "Officina X", "Via Roma", "1"),
            space("b", "f205/y", "FabLab Officina X", "Via Roma", "1")]
    assert [link.same_as for link in update_links(path, rows).links] == ["f205/x"]
    rows[1]["street_address"] = "Via Milano"
    assert [link.same_as for link in update_links(path, rows).links] == ["f205/x"]


def read(name: str) -> list[dict[str, str]]:
    with (LABELLED / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_precision_and_recall_on_the_labelled_sample(capsys) -> None:  # noqa: ANN001 - pytest fixture
    """Real CGET rows against invented OSM-style records of them, of other spaces and shops nearby, and of real
    neighbours (tests/fixtures/linking/make_fixture.py): the thresholds are the ones measured on this sample."""
    registry, osm = read("registry.csv"), read("osm.csv")
    labels = {row["osm_id"]: row["registry_id"] for row in read("labels.csv")}
    assert all("INVENTED" in row["note"] for row in osm) and len(registry) == 160 and len(osm) == len(labels)
    report = link_spaces(registry + osm)
    predicted = {link.id: link.same_as for link in report.links}
    assert all(link.source_id == "osm" for link in report.links)
    true_positive = sum(1 for osm_id, registry_id in predicted.items() if labels[osm_id] == registry_id)
    positives = sum(1 for registry_id in labels.values() if registry_id)
    precision, recall = true_positive / len(predicted), true_positive / positives
    wrongly_doubted = sum(1 for a in report.ambiguous if not labels.get(a.id))
    result = {"pairs_labelled": len(labels), "same_space": positives, "linked": len(predicted),
              "true_links": true_positive, "precision": round(precision, 3), "recall": round(recall, 3),
              "ambiguous_reported": len(report.ambiguous), "ambiguous_on_other_spaces": wrongly_doubted,
              "thresholds": {"name": THRESHOLDS.name, "distance_m": THRESHOLDS.distance,
                             "address": THRESHOLDS.address}}
    figures("linking", result)
    with capsys.disabled():
        print(f"\nlinking on the labelled sample: precision {precision:.3f}, recall {recall:.3f} "
              f"({true_positive}/{len(predicted)} links right, {positives} same-space pairs, "
              f"{len(report.ambiguous)} reported as ambiguous)")
    assert precision >= 0.98 and recall >= 0.9, result
    assert all(a.candidates for a in report.ambiguous)
