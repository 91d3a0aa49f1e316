"""The ./run script: once installed, serving never touches the network."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import urllib.request
from pathlib import Path

import pytest

from facilitator.paths import ROOT
from tests.support import free_port, until_blocking

VENV = ROOT / ".venv"


@pytest.mark.slow
@pytest.mark.skipif(not (VENV / "bin" / "facilitator").exists(), reason="needs ./run's .venv")
def test_serve_starts_without_a_package_index_after_pyproject_changed(tmp_path: Path) -> None:
    shutil.copy(ROOT / "run", tmp_path / "run")
    changed = (ROOT / "pyproject.toml").read_text() + "\n# a change since the install\n"
    (tmp_path / "pyproject.toml").write_text(changed)
    port = free_port()
    env = {
        **os.environ,
        "FACILITATOR_VENV": str(VENV),
        "FACILITATOR_DATA_DIR": str(tmp_path / "data"),
        # Any attempt to install would fail at once: no index, nowhere to look.
        "PIP_NO_INDEX": "1",
        "PIP_INDEX_URL": "http://127.0.0.1:9/simple",
        "PIP_FIND_LINKS": "",
    }
    server = subprocess.Popen(
        [str(tmp_path / "run"), "serve", "--port", str(port)],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:

        def healthy() -> bool:
            if server.poll() is not None:
                raise AssertionError(
                    f"serve stopped: {server.stderr.read() if server.stderr else ''}"
                )
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as r:
                    status: int = r.status
                    return status == 200
            except OSError:
                return False

        until_blocking(healthy, "the server never answered", within=30)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        _, err = server.communicate(timeout=10)
    assert "serving what is installed" in err
    assert "pip" not in err.lower().replace("./run update", "")
