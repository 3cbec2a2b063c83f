"""Reading the raw public sources of ``../shared/data`` with loud failures on drift.

Every reader names the columns it relies on; when a producer renames or drops one,
the build stops with the file and the missing column instead of silently
producing an emptier catalogue.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from recommender.errors import SourceFormatError


class Sources:
    """The folder of raw sources (``../shared/data`` by default)."""

    def __init__(self, root: Path) -> None:
        if not root.is_dir():
            raise SourceFormatError(str(root), "dossier des sources introuvable")
        self.root = root

    def path(self, relative: str) -> Path:
        path = self.root / relative
        if not path.is_file():
            raise SourceFormatError(relative, "fichier source introuvable")
        return path

    def read_csv(
        self,
        relative: str,
        required: Sequence[str],
        *,
        sep: str = ";",
        encoding: str = "utf-8-sig",
        **options: Any,
    ) -> pd.DataFrame:
        """Read a CSV as strings and check that the ``required`` columns are there.

        Cells stay strings (codes such as UAI, INSEE or CFD keep their leading
        zeros); empty cells become ``<NA>``. Row ``i`` of the result is line
        ``i + 2`` of the file.
        """
        path = self.path(relative)
        try:
            frame = pd.read_csv(
                path,
                sep=sep,
                encoding=encoding,
                dtype=str,
                keep_default_na=False,
                na_values=[""],
                **options,
            )
        except (UnicodeDecodeError, pd.errors.ParserError) as error:
            raise SourceFormatError(relative, f"lecture impossible : {error}") from error
        frame.columns = [str(c).strip().lstrip("\ufeff") for c in frame.columns]
        check_columns(relative, frame.columns, required)
        return frame

    def read_json(self, relative: str) -> Any:
        path = self.path(relative)
        opener = gzip.open if path.suffix == ".gz" else open
        try:
            with opener(path, "rt", encoding="utf-8") as handle:
                return json.load(handle)
        except json.JSONDecodeError as error:
            raise SourceFormatError(
                relative, f"JSON invalide : {error.msg}", line=error.lineno
            ) from error


def check_columns(file: str, found: Sequence[str] | pd.Index, required: Sequence[str]) -> None:
    """Fail loudly when a source lost a column the build relies on."""
    present = set(found)
    missing = [name for name in required if name not in present]
    if missing:
        raise SourceFormatError(
            file,
            f"colonnes attendues absentes : {missing} (le producteur a-t-il changé le format ?) ; "
            f"colonnes trouvées : {list(found)}",
        )
