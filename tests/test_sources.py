"""The sources catalogue and its recorded snapshots."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
from pathlib import Path

import pytest

from cowork_data.config import Source, load_sources, project_root
from cowork_data.errors import ConfigError, HarvestError
from cowork_data.harvest import Snapshot, load_snapshot, provenance_path

ROOT = Path(__file__).resolve().parents[1]
# The Comune di Milano CKAN ids, as published on dati.comune.milano.it.
MILANO_CKAN = {
    "milano-coworking": ("34b330d2-e34a-4d98-a327-447342001ee3", "5cd30461-69de-496b-9c18-f1ad1cef6975",
                         "coworking__joined__f.csv"),
    "milano-fablab": ("6f5bc062-00a3-4911-9002-fe38511239da", "9398b574-2f61-45af-84ee-6b1a42ef1fc1",
                      "ds744_fablab_milano.csv"),
}


@pytest.fixture(scope="module")
def sources() -> dict[str, Source]:
    return {s.id: s for s in load_sources()}


def test_catalogue_is_sorted_and_complete() -> None:
    ids = [s.id for s in load_sources()]
    assert ids == sorted(ids)
    assert {"milano-coworking", "milano-fablab", "bandi-milano", "bandi-seregno"} <= set(ids)
    assert all((ROOT / "sources" / f"{i}.toml").is_file() for i in ids)


def test_project_root_is_the_repository_and_can_be_overridden(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("COWORK_DATA_ROOT", raising=False)
    assert project_root() == ROOT
    monkeypatch.setenv("COWORK_DATA_ROOT", str(tmp_path))
    assert project_root() == tmp_path.resolve()


def test_every_snapshot_matches_its_provenance(sources: dict[str, Source]) -> None:
    for source in sources.values():
        for relative in source.snapshots:
            path = ROOT / relative
            assert path.is_relative_to(ROOT / "sources" / "snapshots" / source.id)
            provenance = json.loads(provenance_path(path).read_text(encoding="utf-8"))
            assert hashlib.sha256(path.read_bytes()).hexdigest() == provenance["sha256"], path
            assert provenance["fixture"] is source.fixture
            for key in ("url", "final_url", "retrieved_at", "status", "headers", "licence", "note"):
                assert key in provenance, (path, key)
        snapshot = load_snapshot(source)
        assert snapshot.source_id == source.id
        assert [p.path for p in snapshot.files] == [ROOT / r for r in source.snapshots]


@pytest.mark.parametrize("source_id", sorted(MILANO_CKAN))
def test_milano_sources_carry_the_real_ckan_references(sources: dict[str, Source], source_id: str) -> None:
    source = sources[source_id]
    dataset_id, resource_id, file_name = MILANO_CKAN[source_id]
    assert source.ckan is not None
    assert (source.ckan.dataset_id, source.ckan.resource_id) == (dataset_id, resource_id)
    assert source.ckan.download_url == (
        f"https://dati.comune.milano.it/dataset/{dataset_id}/resource/{resource_id}/download/{file_name}"
    )
    assert source.url.endswith(dataset_id)
    assert Path(source.snapshots[0]).name == file_name
    provenance = load_snapshot(source).provenance
    assert provenance["url"] == source.ckan.download_url


@pytest.mark.parametrize("source_id", sorted(MILANO_CKAN))
def test_fixtures_say_they_are_invented(sources: dict[str, Source], source_id: str) -> None:
    source = sources[source_id]
    assert source.fixture
    assert "inventat" in source.title and "invented" in source.title
    assert "INVENTATE" in source.fixture_note_it and "INVENTED" in source.fixture_note_en
    assert load_snapshot(source).provenance["fixture"] is True


def _records(source: Source) -> list[list[str]]:
    text = load_snapshot(source).data.decode("utf-8")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))


def test_coworking_fixture_keeps_milan_conventions(sources: dict[str, Source]) -> None:
    source = sources["milano-coworking"]
    data = load_snapshot(source).data
    records = _records(source)
    header, rows = records[0], records[1:]
    assert len(header) == 21 and header[-7:] == ["CAP", "MUNICIPIO", "ID_NIL", "NIL", "LONG_X_4326", "LAT_Y_4326",
                                                  "Location"]
    assert all(len(r) == 21 for r in rows) and 10 <= len(rows) <= 12
    assert b'"' not in data  # commas inside fields are not quoted
    assert "Specialità".encode().decode("latin-1").encode() in data  # double-encoded UTF-8
    assert "attività".encode() in data  # next to correct accents
    assert any(line.endswith(";;;;;;") for line in data.decode().splitlines())
    assert sum(1 for r in rows if not r[header.index("ID")]) == 1
    emails = [r[header.index("E_MAIL")] for r in rows]
    assert len(set(emails)) == len(emails) - 1 and all(e.endswith("@example.org") for e in emails)
    points = [r[-1] for r in rows if r[-1]]
    assert len(set(points)) == len(points) - 1
    assert {"circa 30", "15 postazioni", "da definire"} <= {r[header.index("NUMERO_POSTAZIONI")] for r in rows}


def test_fablab_fixture_has_its_own_columns(sources: dict[str, Source]) -> None:
    records = _records(sources["milano-fablab"])
    header, rows = records[0], records[1:]
    assert len(header) == 22 and header[:4] == ["NOMINATIVO", "INDIRIZZO", "EMAIL", "TEL"]
    assert {"MQ_COMPLESSIVI", "MACCHINE"} <= set(header) and len(rows) == 4
    assert any(len(r[header.index("LONG_X_4326")].split(".")[1]) > 10 for r in rows)  # float noise


def test_curated_rows_cite_their_page(sources: dict[str, Source]) -> None:
    for source in (s for s in sources.values() if s.adapter == "curated"):
        for part in load_snapshot(source).files:
            rows = list(csv.DictReader(io.StringIO(part.data.decode("utf-8"), newline="")))
            assert rows and all(r["source_url"].startswith(("http://", "https://")) for r in rows), part.path


def _copy_sources(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "sources", tmp_path / "sources")
    return tmp_path


def test_broken_file_names_file_and_key(tmp_path: Path) -> None:
    root = _copy_sources(tmp_path)
    path = root / "sources" / "milano-fablab.toml"
    path.write_text(path.read_text(encoding="utf-8").replace('adapter = "ckan"', 'adapter = "ftp"'), encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_sources(root)
    for message in (info.value.message_it, info.value.message_en):
        assert "milano-fablab.toml" in message and "adapter" in message


def test_missing_key_and_bad_toml(tmp_path: Path) -> None:
    root = _copy_sources(tmp_path)
    path = root / "sources" / "bandi-seregno.toml"
    path.write_text(path.read_text(encoding="utf-8").replace('publisher = "Comune di Seregno"\n', ""),
                    encoding="utf-8")
    with pytest.raises(ConfigError, match="publisher"):
        load_sources(root)
    path.write_text("id = [", encoding="utf-8")
    with pytest.raises(ConfigError, match="bandi-seregno.toml"):
        load_sources(root)


def test_tampered_snapshot_is_refused(tmp_path: Path) -> None:
    root = _copy_sources(tmp_path)
    source = next(s for s in load_sources(root) if s.id == "milano-coworking")
    path = root / source.snapshots[0]
    path.write_bytes(path.read_bytes().replace(b"Sarpi", b"Sarpa"))
    with pytest.raises(HarvestError) as info:
        load_snapshot(source, root)
    assert path.name in info.value.message_it and "sha256" in info.value.message_en


def test_missing_provenance_is_refused(tmp_path: Path) -> None:
    root = _copy_sources(tmp_path)
    source = next(s for s in load_sources(root) if s.id == "bandi-milano")
    provenance_path(root / source.snapshots[1]).unlink()
    with pytest.raises(HarvestError, match="provenance"):
        load_snapshot(source, root)


def test_composite_snapshot_pins_every_part(sources: dict[str, Source]) -> None:
    snapshot: Snapshot = load_snapshot(sources["bandi-milano"])
    assert len(snapshot.parts) == 4
    manifest = snapshot.data.decode().splitlines()
    assert [line.split()[0] for line in manifest] == [p.provenance["sha256"] for p in snapshot.parts]
    assert snapshot.provenance["sha256"] == hashlib.sha256(snapshot.data).hexdigest()
