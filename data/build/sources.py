"""Reading the raw public sources of ``../shared/data`` with loud failures on drift.

Every reader names the columns it relies on; when a producer renames or drops one,
the build stops with the file and the missing column instead of silently
producing an emptier catalogue. The value checks every builder shares
(:func:`check_pattern`, :func:`check_known`) fail the same way, naming the file,
line and field; :func:`with_gaps` logs the rows a builder drops on purpose.
"""

from __future__ import annotations

import gzip
import json
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from recommender.errors import SourceFormatError

logger = logging.getLogger(__name__)


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


def check_pattern(
    frame: pd.DataFrame, file: str, column: str, pattern: str, *, allow_empty: bool = False
) -> None:
    """Fail naming the file, line and field of the first value not matching ``pattern``.

    Line numbers assume ``frame`` keeps the index :meth:`Sources.read_csv` gave it.

    Examples
    --------
    >>> check_pattern(pd.DataFrame({"code": ["A1101", "x"]}), "f.csv", "code", "[A-N][0-9]{4}")
    ... # doctest: +ELLIPSIS
    Traceback (most recent call last):
    recommender.errors.SourceFormatError: f.csv, ligne 3, champ « code » : 'x' : ...
    """
    ok = frame[column].fillna("").str.fullmatch(pattern)
    if allow_empty:
        ok |= frame[column].isna()
    raise_first_bad(frame, ok, file, column, f"valeur inattendue (motif attendu : {pattern})")


def check_known(
    frame: pd.DataFrame, file: str, column: str, allowed: set[str], *, allow_empty: bool = False
) -> None:
    """Fail naming the file, line and field of the first value outside ``allowed``."""
    ok = frame[column].isin(allowed)
    if allow_empty:
        ok |= frame[column].isna()
    shown = ", ".join(sorted(allowed)[:8])
    raise_first_bad(frame, ok, file, column, f"valeur inconnue ; attendues : {shown}")


def raise_first_bad(
    frame: pd.DataFrame, ok: pd.Series, file: str, column: str, message: str
) -> None:
    """Raise :class:`SourceFormatError` at the first row where ``ok`` is false."""
    if bool(ok.all()):
        return
    position = int((~ok).to_numpy().argmax())
    value = frame[column].iloc[position]
    raise SourceFormatError(
        file, f"{value!r} : {message}", line=int(frame.index[position]) + 2, field=column
    )


def with_gaps(frame: pd.DataFrame, table: str, gaps: dict[str, int]) -> pd.DataFrame:
    """Log the rows a builder dropped on purpose and keep the counts in ``frame.attrs``.

    The counts travel with the table (``attrs["gaps"]``) so the build report and
    the data card can show them.

    Examples
    --------
    >>> with_gaps(pd.DataFrame({"a": [1]}), "t", {"lignes sans code": 2}).attrs["gaps"]
    {'lignes sans code': 2}
    """
    for what, count in gaps.items():
        logger.info("%s : %d %s", table, count, what)
    frame.attrs["gaps"] = dict(gaps)
    return frame
