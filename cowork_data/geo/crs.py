"""Coordinate reference systems as Italian data publish them, told apart and converted to WGS 84.

A GeoJSON ``crs`` member (``urn:ogc:def:crs:EPSG::3003``, RFC 7946's default WGS 84 when there is none), KML
(always WGS 84), a column name that carries a code (``LONG_X_4326``) declare a system; projected ``X``/``Y``,
``CoordX``/``CoordY``, ``EST``/``NORD`` columns without one are told by their ranges: each candidate system
converts the points, and a system *fits* when at least :data:`FIT` of them fall on Italian land
(:mod:`cowork_data.geo.area`). One fitting system is the detection, with its reason; none, or more than one, is a
finding (``crs-unknown``, ``crs-ambiguous``) and no point is converted: the system is never guessed. Systems that
differ by less than a metre in Italy (WGS 84, ETRS89 and RDN2008, in degrees or UTM) are one *family* and are
never ambiguous with one another; the family's first code is the one converted from.

Conversion is pyproj with the PROJ database its wheel ships, offline (no grid is downloaded: network off).

    >>> detection = detect([1514000.0], [5034000.0])
    >>> detection.epsg, detection.label("it")
    (3003, 'Gauss-Boaga fuso Ovest, EPSG:3003')
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from cowork_data.geo.area import on_land
from cowork_data.i18n import Text, t

Inside = Callable[[float, float], bool]

__all__ = ["FAMILIES", "FIT", "Detection", "GeoFinding", "Inside", "detect", "in_comune", "parse_crs", "system_name",
           "to_wgs84"]

#: Share of the points that must fall on Italian land for a system to fit.
FIT = 0.9
#: Points tried per candidate system (evenly spread over the file, so a detection costs the same on any size).
SAMPLE = 400
#: Families of systems that agree within a metre in Italy; undeclared coordinates are tried against the first
#: code of each family of :data:`UNDECLARED`.
FAMILIES: dict[str, tuple[int, ...]] = {
    "geographic": (4326, 4258, 6706, 4937, 4979),
    "utm32": (32632, 25832, 7791, 6707, 3064),
    "utm33": (32633, 25833, 7792, 6708, 3065),
    "gauss-boaga-west": (3003,),
    "gauss-boaga-east": (3004,),
    "web-mercator": (3857, 3785, 900913),
    "ed50-utm32": (23032,),
    "ed50-utm33": (23033,),
}
#: Families tried for coordinates that declare no system (ED50 differs from UTM WGS 84 by ~100-200 m and cannot be
#: told from it by ranges: it is read only when declared).
UNDECLARED = ("geographic", "gauss-boaga-west", "gauss-boaga-east", "utm32", "utm33", "web-mercator")
_FAMILY_OF = {code: name for name, codes in FAMILIES.items() for code in codes}
_URN = re.compile(r"(?:EPSG|epsg)(?:::?|/(?:\d+(?:\.\d+)*/)?)(\d{4,6})\b")
_CRS84 = re.compile(r"CRS:?84\b|OGC:1\.3:CRS84", re.I)


def parse_crs(text: str) -> int | None:
    """The EPSG code a CRS name gives (``urn:ogc:def:crs:EPSG::3003``, ``EPSG:3003``,
    ``http://www.opengis.net/def/crs/EPSG/0/3003``, ``3003``, ``CRS84`` → 4326), None when it gives none."""
    text = (text or "").strip()
    if not text:
        return None
    if _CRS84.search(text):
        return 4326
    match = _URN.search(text)
    if match:
        return int(match.group(1))
    if text.isdigit() and 4 <= len(text) <= 6:
        return int(text)
    try:
        from pyproj import CRS
        return CRS.from_user_input(text).to_epsg()
    except Exception:  # noqa: BLE001 - pyproj raises CRSError and others on text that names no system
        return None


#: The catalogue's name of each system Italian data use.
_NAMES = {3003: "geo.crs.3003", 3004: "geo.crs.3004", 4326: "geo.crs.4326", 4258: "geo.crs.4258",
          6706: "geo.crs.6706", 32632: "geo.crs.32632", 32633: "geo.crs.32633", 25832: "geo.crs.25832",
          25833: "geo.crs.25833", 6707: "geo.crs.6707", 6708: "geo.crs.6708", 7791: "geo.crs.7791",
          7792: "geo.crs.7792", 3064: "geo.crs.3064", 3065: "geo.crs.3065", 23032: "geo.crs.23032",
          23033: "geo.crs.23033", 3857: "geo.crs.3857"}


def system_name(epsg: int, lang: str = "it") -> str:
    """``Gauss-Boaga fuso Ovest, EPSG:3003`` (the catalogue's name of a known system, else pyproj's)."""
    if epsg in _NAMES:
        return f"{t(_NAMES[epsg], lang)}, EPSG:{epsg}"
    try:
        from pyproj import CRS
        return f"{CRS.from_epsg(epsg).name}, EPSG:{epsg}"
    except Exception:  # noqa: BLE001 - an unknown code is named by its number only
        return f"EPSG:{epsg}"


def in_comune(istat: str) -> Inside | None:
    """The test that a point is in the comune ``istat`` (its boundary, within the boundaries' tolerance), for
    :func:`detect`'s ``inside``; None when no comune is given. The boundaries are read on the first tie to break;
    a comune they lack settles nothing (every point passes)."""
    if not istat:
        return None

    def inside(lon: float, lat: float) -> bool:
        from cowork_data.geo.boundaries import boundaries

        return boundaries().contains(istat, lon, lat) is not False
    return inside


@lru_cache(maxsize=32)
def _transformer(epsg: int) -> Any:
    from pyproj import Transformer
    return Transformer.from_crs(epsg, 4326, always_xy=True)


def to_wgs84(epsg: int, xs: Sequence[float], ys: Sequence[float]) -> list[tuple[float, float] | None]:
    """``(lon, lat)`` in WGS 84 of each point given in ``epsg`` (x = easting or longitude); None where the
    conversion has no finite answer."""
    if not xs:
        return []
    if _FAMILY_OF.get(epsg) == "geographic" and epsg in (4326, 4258, 6706):
        return [(float(x), float(y)) if -180 <= x <= 180 and -90 <= y <= 90 else None
                for x, y in zip(xs, ys, strict=False)]
    lons, lats = _transformer(epsg).transform(list(xs), list(ys), errcheck=False)
    return [(lo, la) if math.isfinite(lo) and math.isfinite(la) and abs(la) <= 90 else None
            for lo, la in zip(lons, lats, strict=False)]


@lru_cache(maxsize=32)
def transformation(epsg: int) -> str:
    """The operations PROJ chooses from, point by point, to go from ``epsg`` to WGS 84, with their accuracy (for
    provenance: Monte Mario to WGS 84 is good to about 4 m on the mainland and in Sardinia); ``""`` for degrees."""
    if epsg in (4326, 4258, 6706):
        return ""
    from pyproj.transformer import TransformerGroup
    group = TransformerGroup(epsg, 4326, always_xy=True)
    named = [f"{t.description} (±{t.accuracy:g} m)" if t.accuracy and t.accuracy > 0 else t.description
             for t in group.transformers if "Ballpark" not in t.description]
    return "; ".join(named[:4]) or (group.transformers[0].description if group.transformers else "")


@dataclass(frozen=True)
class GeoFinding:
    """A finding on coordinates: ``key`` is its catalogue entry (``geo.finding.crs-ambiguous``, with ``.message``
    and ``.hint``); ``code`` its last part, for the validator's own finding."""

    key: str
    params: dict[str, Any] = field(hash=False)

    @property
    def code(self) -> str:
        return self.key.rsplit(".", 1)[-1]

    def message(self, lang: str = "it") -> str:
        return t(f"{self.key}.message", lang, **self.params)

    def hint(self, lang: str = "it") -> str:
        return t(f"{self.key}.hint", lang, **self.params)


@dataclass
class Detection:
    """The system a set of points is in, why, and the points in WGS 84 (``(lon, lat)``, None where a row has none
    or it could not be converted). ``epsg`` None means undetected: ``findings`` say why and ``points`` are all
    None. ``swapped`` says longitude and latitude were written the other way round (told by Italy's ranges)."""

    epsg: int | None
    reason: Text
    points: list[tuple[float, float] | None] = field(default_factory=list)
    findings: list[GeoFinding] = field(default_factory=list)
    declared: str = ""
    candidates: tuple[int, ...] = ()
    swapped: bool = False
    outside: int = 0

    @property
    def ok(self) -> bool:
        return self.epsg is not None

    @property
    def crs(self) -> str:
        return f"EPSG:{self.epsg}" if self.epsg is not None else ""

    def label(self, lang: str = "it") -> str:
        return system_name(self.epsg, lang) if self.epsg is not None else ""

    def provenance(self) -> dict[str, Any]:
        """What to record beside converted data: the system, why, and the conversion done."""
        import pyproj
        out: dict[str, Any] = {"crs": self.crs, "crs_declared": self.declared,
                               "crs_name": {lang: self.label(lang) for lang in ("it", "en")},
                               "crs_reason": {lang: self.reason.render(lang) for lang in ("it", "en")}}
        if self.epsg is not None:
            out.update(converted_to="EPSG:4326", transformation=transformation(self.epsg),
                       engine=f"pyproj {pyproj.__version__}, PROJ {pyproj.proj_version_str}", swapped=self.swapped)
        if self.findings:
            out["findings"] = {lang: [f.message(lang) for f in self.findings] for lang in ("it", "en")}
        return out


def _sample(pairs: list[tuple[int, float, float]]) -> list[tuple[int, float, float]]:
    if len(pairs) <= SAMPLE:
        return pairs
    step = len(pairs) / SAMPLE
    return [pairs[int(i * step)] for i in range(SAMPLE)]


def _share_on_land(epsg: int, sample: list[tuple[int, float, float]], swap: bool = False,
                   inside: Inside | None = None) -> float:
    xs = [p[2] if swap else p[1] for p in sample]
    ys = [p[1] if swap else p[2] for p in sample]
    degrees = all(abs(x) <= 180 and abs(y) <= 90 for x, y in zip(xs, ys, strict=False))
    if _FAMILY_OF.get(epsg) == "geographic" and not degrees:
        return 0.0
    if _FAMILY_OF.get(epsg) != "geographic" and degrees:
        return 0.0  # degrees are not metres of a projection
    converted = to_wgs84(epsg, xs, ys)
    test = inside or on_land
    return sum(1 for p in converted if p is not None and test(*p)) / len(sample)


def _ranges(pairs: list[tuple[int, float, float]]) -> dict[str, str]:
    xs, ys = [p[1] for p in pairs], [p[2] for p in pairs]
    return {"x_min": _number(min(xs)), "x_max": _number(max(xs)), "y_min": _number(min(ys)),
            "y_max": _number(max(ys)), "points": str(len(pairs))}


def _number(value: float) -> str:
    """Metres to the metre, degrees to five decimals (about a metre)."""
    return f"{value:.0f}" if abs(value) >= 1000 else f"{value:.5f}".rstrip("0").rstrip(".")


def _both(epsg: int) -> dict[str, str]:
    return {lang: system_name(epsg, lang) for lang in ("it", "en")}


def _all_names(codes: Sequence[int]) -> dict[str, str]:
    return {lang: "; ".join(system_name(c, lang) for c in codes) for lang in ("it", "en")}


def detect(xs: Sequence[float | None], ys: Sequence[float | None], *, declared: str = "",
           default: int | None = None, where: str = "", inside: Inside | None = None) -> Detection:
    """The system of the points ``(xs[i], ys[i])`` (x = easting or longitude; None where a row has no point).

    ``declared`` is what the file says (a GeoJSON ``crs`` name, a code in a column name); ``default`` the system the
    format implies when it says nothing (4326 for GeoJSON and KML). A declared system is used as declared (a
    finding when its points fall outside Italy); the default is used when the points fit it, else the ranges decide;
    ``where`` names the columns or member, for messages. ``inside(lon, lat)`` says where the points must be when
    the caller knows it (the comune a source or a row names); it breaks a tie the ranges leave: Gauss-Boaga fuso
    Ovest and Web Mercator both put many a comune's points on Italian land, only one of them in the right comune.
    """
    pairs = [(i, float(x), float(y)) for i, (x, y) in enumerate(zip(xs, ys, strict=False))
             if x is not None and y is not None and math.isfinite(x) and math.isfinite(y)]
    none: list[tuple[float, float] | None] = [None] * len(xs)
    if not pairs:
        return Detection(None, Text.of("geo.reason.no-points", where=where or "-"), none, declared=declared)
    sample = _sample(pairs)
    ranges = _ranges(pairs)
    code = parse_crs(declared) if declared else None
    if declared and code is None:
        return Detection(None, Text.of("geo.reason.declared-unknown", declared=declared), none,
                         [GeoFinding("geo.finding.crs-unknown-declared", dict(declared=declared, where=where or "-"))],
                         declared=declared)
    if code is not None:
        return _convert(code, pairs, len(xs), Text.of("geo.reason.declared", declared=declared, where=where or "-",
                                                      **ranges), declared, sample, where, ranges)
    if default is not None and _share_on_land(default, sample) >= FIT:
        return _convert(default, pairs, len(xs), Text.of("geo.reason.default", where=where or "-", **ranges), "",
                        sample, where, ranges)
    fits: list[tuple[int, bool]] = []
    for family in UNDECLARED:
        epsg = FAMILIES[family][0]
        if _share_on_land(epsg, sample) >= FIT:
            fits.append((epsg, False))
        elif family == "geographic" and _share_on_land(epsg, sample, swap=True) >= FIT:
            fits.append((epsg, True))
    narrowed = False
    if len(fits) > 1 and inside is not None:  # the comune breaks a tie the ranges leave (only then: it costs more)
        kept = [(e, swap) for e, swap in fits if _share_on_land(e, sample, swap=swap, inside=inside) >= FIT]
        fits, narrowed = (kept, True) if kept else (fits, False)
    if len(fits) == 1:
        epsg, swap = fits[0]
        key = "geo.reason.swapped" if swap else "geo.reason.ranges-comune" if narrowed else "geo.reason.ranges"
        reason = Text.of(key, where=where or "-", name=_both(epsg), **ranges)
        if swap:
            pairs = [(i, y, x) for i, x, y in pairs]
        detection = _convert(epsg, pairs, len(xs), reason, "", _sample(pairs), where, ranges)
        detection.swapped = swap
        return detection
    if not fits:
        return Detection(None, Text.of("geo.reason.none-fits", where=where or "-", **ranges), none,
                         [GeoFinding("geo.finding.crs-unknown", dict(where=where or "-", **ranges))])
    codes = tuple(e for e, _ in fits)
    return Detection(None, Text.of("geo.reason.ambiguous", where=where or "-", **ranges), none,
                     [GeoFinding("geo.finding.crs-ambiguous",
                                 dict(where=where or "-", systems=_all_names(codes), **ranges))],
                     candidates=codes)


def _convert(epsg: int, pairs: list[tuple[int, float, float]], size: int, reason: Text, declared: str,
             sample: list[tuple[int, float, float]], where: str, ranges: dict[str, str]) -> Detection:
    points: list[tuple[float, float] | None] = [None] * size
    for (i, _, _), point in zip(pairs, to_wgs84(epsg, [p[1] for p in pairs], [p[2] for p in pairs]), strict=False):
        points[i] = point
    outside = sum(1 for p in points if p is not None and not on_land(*p))
    findings = []
    if declared and _share_on_land(epsg, sample) < FIT:
        findings.append(GeoFinding("geo.finding.crs-declared-outside", dict(declared=declared, where=where or "-",
                                                          name=_both(epsg), **ranges)))
    return Detection(epsg, reason, points, findings, declared=declared, outside=outside)
