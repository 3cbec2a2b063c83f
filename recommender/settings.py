"""The one settings object; the only module that reads environment variables."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def bundled_data_dir() -> Path:
    """The folder of bundled catalogue files shipped with the package (``data/``)."""
    return Path(str(files("data")))


class Settings(BaseSettings):
    """Configuration, read from ``ORIENTATION_*`` environment variables or a ``.env`` file.

    Examples
    --------
    >>> Settings(database_url="sqlite:///:memory:").database_url
    'sqlite:///:memory:'
    """

    model_config = SettingsConfigDict(env_prefix="ORIENTATION_", env_file=".env", extra="ignore")

    database_url: str = Field(
        default="sqlite:///var/orientation.sqlite",
        description="SQLAlchemy URL: SQLite file by default, or postgresql+psycopg://…",
    )
    data_dir: Path = Field(default_factory=bundled_data_dir, description="bundled data files")
    campuses_file: Path | None = Field(
        default=None, description="campus definitions (TOML); default: data/campuses.toml"
    )
    model_path: Path = Field(
        default_factory=lambda: bundled_data_dir().parent / "models" / "matching.json",
        description="matching model artifact (JSON); see models/MODEL_CARD.md",
    )
    host: str = "127.0.0.1"
    port: int = 8000

    @property
    def campuses_path(self) -> Path:
        return self.campuses_file or self.data_dir / "campuses.toml"
