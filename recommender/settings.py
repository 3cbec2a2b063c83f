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
    trained_models_dir: Path = Field(
        default=Path("var/models"),
        description="where models learned from feedback are written (POST "
        "/v1/admin/model/retrain); point ORIENTATION_MODEL_PATH at one to keep it",
    )
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = Field(default=1, ge=1, le=32, description="uvicorn worker processes")
    # -- access (see README, "Security and privacy") -----------------------------------
    cors_origins: list[str] = Field(
        default=["http://127.0.0.1:8000", "http://localhost:8000"],
        description="sites allowed to call the API from a browser (the widget's hosts); "
        "JSON list in the environment: "
        "ORIENTATION_CORS_ORIGINS='[\"https://www.lycee-exemple.fr\"]'",
    )
    frame_ancestors: list[str] = Field(
        default=["*"],
        description="sites allowed to frame the widget page (CSP frame-ancestors); "
        "'*' lets any school site embed it",
    )
    api_keys: list[str] = Field(
        default=[],
        description="keys of the write and admin endpoints, hashed: 'name:sha256-hex' "
        "entries as printed by `python -m recommender api-key NAME`",
    )
    rate_limit_per_ip: int = Field(
        default=600,
        ge=1,
        description="requests per minute from one address (burst = same): a school's "
        "classroom shares one address, and typing in the widget asks for completions",
    )
    rate_limit_per_key: int = Field(
        default=3000, ge=1, description="requests per minute with one API key"
    )
    max_import_bytes: int = Field(
        default=200_000_000, ge=1024, description="largest file sent to /v1/admin/imports (bytes)"
    )
    feedback_retention_days: int = Field(
        default=365, ge=1, le=3650, description="days feedback events are kept before purge"
    )
    max_body_bytes: int = Field(
        default=2_000_000, ge=1024, description="largest request body accepted (bytes)"
    )

    @property
    def campuses_path(self) -> Path:
        return self.campuses_file or self.data_dir / "campuses.toml"
