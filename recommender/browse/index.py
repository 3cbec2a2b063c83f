"""The catalogue joined once for browsing, and the paging every listing shares."""

from __future__ import annotations

import math
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from recommender.catalogue import Catalogue
from recommender.errors import ProfileError
from recommender.geo import Places, haversine_km
from recommender.text import fold

Item = dict[str, Any]
Mask = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Near:
    """A circle around a commune's centre: results within ``radius_km``, nearest first."""

    insee: str
    name: str
    latitude: float
    longitude: float
    radius_km: float


@dataclass(frozen=True)
class Page:
    """One page of results: ``total`` counts every match, ``items`` holds at most ``limit``."""

    total: int
    limit: int
    offset: int
    items: list[Item]
    near: Item | None = None


@dataclass(frozen=True)
class Listing:
    """A joined table with its default order and its coordinates, ready to be paged."""

    frame: pd.DataFrame
    ranks: npt.NDArray[np.int64]
    latitudes: npt.NDArray[np.float64]
    longitudes: npt.NDArray[np.float64]

    @classmethod
    def of(cls, frame: pd.DataFrame, order_by: list[str]) -> Listing:
        frame = frame.reset_index(drop=True)
        # np.lexsort sorts by its last key first, hence the reversal.
        order = np.lexsort([frame[c].fillna("").to_numpy(dtype=str) for c in order_by[::-1]])
        ranks = np.empty(len(frame), dtype=np.int64)
        ranks[order] = np.arange(len(frame))
        return cls(
            frame=frame,
            ranks=ranks,
            latitudes=frame["latitude"].to_numpy(dtype=float, na_value=np.nan),
            longitudes=frame["longitude"].to_numpy(dtype=float, na_value=np.nan),
        )


class BrowseIndex:
    """The catalogue's tables joined once for browsing (built at start-up, then only read).

    ``formations`` holds each formation with its commune (``commune_name``,
    ``departement``, ``region``), its establishment (columns ``e_*``) and its
    certification (``c_*``), plus ``folded_label`` for text search; ``offers``
    each offer with its commune and its job label (``job``).
    """

    def __init__(self, catalogue: Catalogue) -> None:
        tables = catalogue.tables
        self.places = tables["communes"].set_index("insee")
        located = self.places[["name", "departement", "region"]].rename(
            columns={"name": "commune_name"}
        )
        self.establishments = tables["establishments"].set_index("uai")
        self.certifications = tables["certifications"].set_index("cert_id")
        formations = (
            tables["formations"]
            .join(located, on="insee")
            .join(
                self.establishments.drop(columns=["latitude", "longitude"]).add_prefix("e_"),
                on="uai",
            )
            .join(self.certifications[["type", "level", "label"]].add_prefix("c_"), on="cert_id")
        )
        # Folding costs ~10 µs a label: fold the few thousand distinct ones, not every row.
        folded = {label: fold(label) for label in formations["label"].unique()}
        formations["folded_label"] = formations["label"].map(folded).astype("string")
        self.formations = Listing.of(formations, ["folded_label", "formation_id"])
        self.formation_positions = {
            formation_id: position
            for position, formation_id in enumerate(self.formations.frame["formation_id"])
        }
        self.jobs = tables["jobs"].set_index("code_rome")["label"]
        offers = catalogue.offers.join(located, on="insee").join(
            self.jobs.rename("job"), on="code_rome"
        )
        self.offers = Listing.of(offers, ["start_date", "offer_id"])
        self.blocs = tables["cert_blocs"]
        rome = self.certifications["rome_codes"].str.split().explode().dropna()
        self.certs_by_job = {str(code): set(group.index) for code, group in rome.groupby(rome)}
        self.departements = sorted(set(self.places["departement"]))
        self.regions = sorted(set(self.places["region"]))
        self.campuses = {campus.campus_id: campus for campus in catalogue.campuses}
        self.formation_sessions = catalogue.formation_sessions
        self.open_days = catalogue.open_days
        self.members = (
            catalogue.campus_members.join(self.establishments, on="uai")
            .sort_values(["campus_id", "uai"])
            .reset_index(drop=True)
        )


def locate(places: Places, text: str, radius_km: float) -> Near:
    """The circle of ``radius_km`` around the commune ``text`` designates.

    Raises :class:`~recommender.errors.PlaceNotFound` or
    :class:`~recommender.errors.AmbiguousPlace` like :meth:`Places.resolve`, and
    :class:`~recommender.errors.ProfileError` for a commune without coordinates.

    Examples
    --------
    >>> from recommender.geo import Commune
    >>> amiens = Commune("80021", "Amiens", ("80000",), "80", "Somme", "20", "Amiens",
    ...                  "32", "Hauts-de-France", 49.894, 2.296, 133625, "commune")
    >>> locate(Places([amiens]), "80000", 30).name
    'Amiens'
    """
    commune = places.resolve(text).commune
    if commune.latitude is None or commune.longitude is None:
        raise ProfileError(
            "near",
            f"la position de {commune.name} ({commune.insee}) est inconnue ; "
            "indiquez une commune voisine",
        )
    return Near(commune.insee, commune.name, commune.latitude, commune.longitude, radius_km)


def paginate(
    listing: Listing,
    mask: Mask,
    near: Near | None,
    *,
    limit: int,
    offset: int,
    to_item: Callable[[Item], Item],
) -> Page:
    """The selected rows in default order, or within ``near`` nearest first; one page of them.

    Rows without coordinates are left out of a search around a place.
    """
    selected = np.flatnonzero(mask)
    distances_km = np.full(len(selected), np.nan)
    if near is not None:
        distances_km = haversine_km(
            near.latitude, near.longitude, listing.latitudes[selected], listing.longitudes[selected]
        )
        inside = distances_km <= near.radius_km  # NaN (unknown position) compares False
        selected, distances_km = selected[inside], distances_km[inside]
    ranks = listing.ranks[selected]
    order = np.argsort(ranks) if near is None else np.lexsort((ranks, distances_km))
    shown = order[offset : offset + limit]
    rows = records(listing.frame.iloc[selected[shown]])
    for row, distance_km in zip(rows, distances_km[shown], strict=True):
        row["distance_km"] = None if math.isnan(distance_km) else round(float(distance_km), 1)
    circle = None
    if near is not None:
        circle = {"insee": near.insee, "name": near.name, "radius_km": near.radius_km}
    return Page(len(selected), limit, offset, [to_item(row) for row in rows], circle)


def check_known(field: str, value: str, allowed: list[str], what: str) -> None:
    """Refuse a filter value the catalogue does not know, naming the field and listing values."""
    if value not in allowed:
        raise ProfileError(field, f"{what} « {value} » inconnu", allowed=allowed)


def equals(values: pd.Series, wanted: object) -> Mask:
    """``values == wanted`` with missing cells False."""
    return (values == wanted).to_numpy(dtype=bool, na_value=False)


def within(values: pd.Series, wanted: Collection[Any]) -> Mask:
    """``values`` in ``wanted`` with missing cells False."""
    return values.isin(list(wanted)).to_numpy(dtype=bool, na_value=False)


def records(frame: pd.DataFrame) -> list[Item]:
    """Rows as dictionaries of plain Python values (None for missing cells)."""
    return [{str(k): plain(v) for k, v in row.items()} for row in frame.to_dict("records")]


def plain(value: Any) -> Any:
    """A JSON-friendly Python value: None for missing cells, no numpy scalars."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    return value.item() if isinstance(value, np.generic) else value
