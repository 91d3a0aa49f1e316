"""What a phone downloads on first load of the participant page, compressed, against the
issue's budget of 60 KB (HTML + CSS + JS). Runs the app in-process on a temporary database.

    .venv/bin/python benchmarks/page_weight.py
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from starlette.testclient import TestClient

from facilitator.agenda.files import DEFAULT_PROGRAMME, load_programme
from facilitator.clock import system_clock
from facilitator.settings import Settings
from facilitator.store.db import make_engine
from facilitator.store.migrate import upgrade
from facilitator.store.programmes import create_programme
from facilitator.web.app import create_app

BUDGET = 60 * 1024


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'weight.db'}"
        engine = make_engine(url)
        upgrade(engine)
        day1 = create_programme(
            engine, load_programme(DEFAULT_PROGRAMME), clock=system_clock, base_url=""
        )[1]
        engine.dispose()
        app = create_app(Settings(database_url=url, data_dir=Path(folder)))
        with TestClient(app) as client:
            client.post(f"/join/{day1.join_code}", data={"name": "Vægt", "department": "miljo"})
            gzip = {"accept-encoding": "gzip"}
            page = client.get(f"/w/{day1.workshop_id}/me", headers=gzip)
            assets = re.findall(r'(?:src|href)="(/static/[^"?]+)', page.text)
            rows = [("page HTML", _wire(client, f"/w/{day1.workshop_id}/me"))]
            rows += [(asset, _wire(client, asset)) for asset in assets]
    total = sum(size for _, size in rows)
    width = max(len(name) for name, _ in rows)
    for name, size in rows:
        print(f"{name:<{width}}  {size / 1024:6.1f} KB")
    print(
        f"{'total (gzip)':<{width}}  {total / 1024:6.1f} KB   budget {BUDGET / 1024:.0f} KB "
        f"({'met' if total <= BUDGET else 'OVER'}, {100 * total / BUDGET:.0f} % of it)"
    )


def _wire(client: TestClient, path: str) -> int:
    """Bytes on the wire: the body as sent with gzip (before the client decodes it)."""
    with client.stream("GET", path, headers={"accept-encoding": "gzip"}) as response:
        return sum(len(chunk) for chunk in response.iter_raw())


if __name__ == "__main__":
    main()
