"""One Settings object, read from arguments, FACILITATOR_* environment variables or defaults.

The defaults are the embedded set-up: a SQLite file under ``data/`` and the in-memory hub,
so ``facilitator serve`` needs no other service.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="FACILITATOR_", extra="ignore")

    data_dir: Path = Path("data")
    database_url: str = ""  # empty: sqlite file in data_dir
    broker_url: str = "memory://"  # or redis://host:6379/0 for several processes
    language: str = "da"
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    public_url: str = ""  # how phones reach this server, for join links and QR codes

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'facilitator.db').resolve()}"

    def base_url(self) -> str:
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")
