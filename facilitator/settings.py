"""One Settings object, read from arguments, FACILITATOR_* environment variables or defaults.

The defaults are the embedded set-up: a SQLite file under ``data/`` and the in-memory hub,
so ``facilitator serve`` needs no other service.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Limits(BaseModel):
    """What protects the room from one client, in one place (docs/api.md §2). The defaults
    are far above what a real programme meets; each is a FACILITATOR_LIMITS__<NAME>."""

    body_bytes: int = Field(default=16 * 1024, ge=1024)  # a command or a join, streamed or not
    reflection_bytes: int = Field(default=32 * 1024, ge=1024)  # a home reflection's body
    agenda_bytes: int = Field(default=256 * 1024, ge=1024)  # the agenda editor's form or upload
    json_depth: int = Field(default=8, ge=2)  # nesting of a command's JSON
    # Commands per second per connection, with bursts of this many: a leader triaging as fast
    # as a script can click sent 15 a second, 48 in three seconds (tests/browser/test_outbox.py).
    command_rate: float = Field(default=20.0, gt=0)
    command_burst: float = Field(default=60.0, ge=1)
    wrong_codes_per_minute: int = Field(default=20, ge=1)  # join-code guesses per address
    wrong_codes_overall_per_minute: int = Field(default=300, ge=1)  # … and from everywhere
    people_per_workshop: int = Field(default=500, ge=1)
    sockets_per_person: int = Field(default=12, ge=1)  # tabs and devices of one token
    outbox_messages: int = Field(default=512, ge=16)  # queued for one slow socket …
    outbox_bytes: int = Field(default=16 * 1024 * 1024, ge=64 * 1024)  # … or this many bytes


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="FACILITATOR_", env_nested_delimiter="__", extra="ignore"
    )

    data_dir: Path = Path("data")
    database_url: str = ""  # empty: sqlite file in data_dir
    broker_url: str = "memory://"  # or redis://host:6379/0 for several processes
    language: str = "da"
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    public_url: str = ""  # how phones reach this server, for join links and QR codes
    allowed_origins: tuple[str, ...] = ()  # other origins whose pages may post here
    # Whom to tell about an accessibility problem, on the accessibility statement
    # (/accessibility), e.g. "Solrød Kommune, Borgerservice, tlf. …, mail …". Empty: the page
    # says, in its own language, to ask the facilitator or the organisation holding the workshop.
    accessibility_contact: str = ""
    limits: Limits = Limits()

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'facilitator.db').resolve()}"

    def base_url(self) -> str:
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")
