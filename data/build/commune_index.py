"""Looking communes up while building establishments and formations.

The offer and establishment sources name a commune in several ways: an INSEE
code, a postcode standing in for it, a name within a postcode, or only a point.
:class:`CommuneIndex` turns each of them into the INSEE code of the communes table.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from recommender.text import fold


class CommuneIndex:
    """Lookups into the communes table: INSEE codes, postcodes, names, nearest centre."""

    def __init__(self, communes: pd.DataFrame) -> None:
        self.frame = communes.set_index("insee")
        self.codes = set(communes["insee"])
        self.by_postcode: dict[str, list[str]] = {}
        for insee, postcodes in zip(communes["insee"], communes["postcodes"], strict=True):
            for postcode in str(postcodes).split():
                self.by_postcode.setdefault(postcode, []).append(insee)
        self.by_name: dict[tuple[str, str], list[str]] = {}
        for insee, name, departement in zip(
            communes["insee"], communes["name"], communes["departement"], strict=True
        ):
            self.by_name.setdefault((departement, fold(name)), []).append(insee)
        located = communes.dropna(subset=["latitude", "longitude"])
        self._located_insee = located["insee"].to_numpy()
        self._located_departement = located["departement"].to_numpy()
        self._located_points = np.radians(located[["latitude", "longitude"]].to_numpy(float))
        self._located_population = located["population"].fillna(1).to_numpy(float).clip(1)

    def resolve(self, code: object) -> str | None:
        """A valid INSEE code for ``code``, reading it as a postcode when it is not one.

        >>> index.resolve("39300")  # Champagnole's postcode, one commune  # doctest: +SKIP
        '39097'
        """
        if not isinstance(code, str):
            return None
        code = code.strip()
        if code in self.codes:
            return code
        communes = self.by_postcode.get(code, [])
        # Paris, Lyon and Marseille postcodes also list the whole city: prefer the arrondissement.
        return communes[0] if len(communes) == 1 else _arrondissement(communes, self.frame)

    def find(self, name: object, postcode: object) -> str | None:
        """The commune called ``name`` among those of ``postcode`` (or of its département)."""
        if not isinstance(name, str) or not isinstance(postcode, str):
            return None
        folded = fold(name)
        candidates = [
            insee
            for insee in self.by_postcode.get(postcode, [])
            if fold(str(self.frame.at[insee, "name"])) == folded
        ]
        if len(candidates) == 1:
            return candidates[0]
        departement = postcode[:3] if postcode.startswith("97") else postcode[:2]
        departements = ["2A", "2B"] if departement == "20" else [departement]
        found = [i for d in departements for i in self.by_name.get((d, folded), [])]
        return found[0] if len(found) == 1 else None

    def nearest(self, latitude: float, longitude: float, departement: object) -> str | None:
        """INSEE code of the commune a point most likely lies in (within ``departement``).

        Without commune outlines, the nearest centre is wrong for a point near the
        edge of a large commune; dividing the distance by population**0.3 agrees
        with the published commune for 92 % of 1,103 geocoded lycées (82 % unweighted).
        """
        mask = np.ones(len(self._located_insee), dtype=bool)
        if isinstance(departement, str) and departement:
            mask = self._located_departement == departement
            if not mask.any():
                return None
        points = self._located_points[mask]
        lat, lon = np.radians(latitude), np.radians(longitude)
        # Equirectangular distance is plenty to rank commune centres a few km apart.
        dx = (points[:, 1] - lon) * np.cos((points[:, 0] + lat) / 2)
        dy = points[:, 0] - lat
        score = np.hypot(dx, dy) / self._located_population[mask] ** 0.3
        return str(self._located_insee[mask][int(np.argmin(score))])

    def centre(self, insee: pd.Series) -> tuple[pd.Series, pd.Series]:
        located = insee.map(self.frame["latitude"]), insee.map(self.frame["longitude"])
        return located[0].astype("float64"), located[1].astype("float64")


def _arrondissement(communes: list[str], frame: pd.DataFrame) -> str | None:
    arrondissements = [c for c in communes if frame.at[c, "kind"] == "arrondissement"]
    return arrondissements[0] if len(arrondissements) == 1 else None
