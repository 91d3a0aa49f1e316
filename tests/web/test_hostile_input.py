"""No input breaks a workshop (docs/api.md §2): hostile and malformed input over every HTTP
route and both kinds of websocket, on SQLite and on PostgreSQL.

One real server (``facilitator serve``, a process of its own) per database takes every
example. What must hold, whatever arrives: no answer is a 5xx, no socket is closed (with
1011, 1000 or anything) for what it was sent, every text message a socket receives is
valid UTF-8 JSON or a fragment, a refused input changes nothing stored (every row of every
table, the journal included, is compared before and after), and the server logs no error.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx2 as httpx
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, select, text
from sqlmodel import SQLModel
from starlette.routing import Mount, Route
from starlette.testclient import TestClient
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import ClientConnection, connect

from facilitator.agenda.files import DEFAULT_PROGRAMME, load_programme
from facilitator.clock import system_clock
from facilitator.paths import TEMPLATES
from facilitator.rendering import Renderer
from facilitator.settings import Limits, Settings
from facilitator.store import tables  # noqa: F401  (every table in the metadata)
from facilitator.store.db import make_engine
from facilitator.store.migrate import upgrade
from facilitator.store.programmes import WorkshopLinks, create_programme
from facilitator.web.app import create_app
from facilitator.web.commands import decode
from facilitator.web.errors import EdgeError
from facilitator.web.views.screens import FRAGMENT_IDS, FRAGMENTS
from tests.support import free_port, fresh_postgres_schema, healthy, until_blocking

pytestmark = pytest.mark.slow

# Limits that would otherwise slow the examples down (they have tests of their own).
GENEROUS = {
    "FACILITATOR_LIMITS__COMMAND_RATE": "1000000",
    "FACILITATOR_LIMITS__COMMAND_BURST": "1000000",
    "FACILITATOR_LIMITS__WRONG_CODES_PER_MINUTE": "1000000",
    "FACILITATOR_LIMITS__WRONG_CODES_OVERALL_PER_MINUTE": "1000000",
    "FACILITATOR_LIMITS__PEOPLE_PER_WORKSHOP": "1000000",
    "FACILITATOR_LIMITS__SOCKETS_PER_PERSON": "1000000",
}
PROBLEMS = re.compile(r"Traceback|unhandled error|could not render|command failed|ERROR")

PROGRAMME = load_programme(DEFAULT_PROGRAMME)
# Staff day 1's first group work phase: ideas can be posted.
GROUP_WORK = next(
    index
    for index, phase in enumerate(PROGRAMME.workshop("staff-day-1").agenda.phases)
    if phase.kind == "group_work"
)

# What neither database, nor a page or a socket, can carry; and what must pass.
UNSTORABLE = ["\ud800", "\udc00", "\x00", "\x01", "\x1b", "\x7f", "\x85", "\ufffe", "\U0010ffff"]
ODD_BUT_FINE = ["😀", "שלום", "e\u0301", "\u200b", "\u202e", "\ufffd", "\t", "\n", "%", "..", "/"]


# --- a server per database --------------------------------------------------------------------


@dataclass
class Server:
    database: str
    engine: Engine
    process: subprocess.Popen[bytes]
    base: str
    log: Path
    day1: WorkshopLinks
    other: WorkshopLinks
    facilitator: str = ""
    projector: str = ""
    ada: dict[str, Any] = field(default_factory=dict)  # a participant: the join answer
    lea: dict[str, Any] = field(default_factory=dict)  # a leader
    zed: dict[str, Any] = field(default_factory=dict)  # one the fuzz may anonymise
    reflection: str = ""  # Ada's home reflection link token
    sockets: dict[str, ClientConnection] = field(default_factory=dict)

    @property
    def ws(self) -> str:
        return "ws" + self.base.removeprefix("http")

    def http(self) -> httpx.Client:
        return httpx.Client(base_url=self.base, timeout=30)

    def problems(self) -> list[str]:
        return [line for line in self.log.read_text().splitlines() if PROBLEMS.search(line)]


@contextlib.contextmanager
def serving(database_url: str, data_dir: Path) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """``facilitator serve`` on a free port, its output in ``data_dir/server.log``."""
    port = free_port()
    env = {**os.environ, **GENEROUS, "FACILITATOR_DATABASE_URL": database_url}
    command = [sys.executable, "-m", "facilitator.cli", "serve", "--port", str(port)]
    with (data_dir / "server.log").open("ab") as log:
        process = subprocess.Popen(
            [*command, "--data-dir", str(data_dir)], env=env, stdout=log, stderr=log
        )
    base = f"http://127.0.0.1:{port}"
    try:
        until_blocking(lambda: healthy(base) or process.poll() is not None, "no server", within=30)
        assert process.poll() is None, f"the server exited with {process.returncode}"
        yield process, base
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


@contextlib.contextmanager
def database(name: str, tmp: Path) -> Iterator[str]:
    """A fresh SQLite file, or a fresh schema of the PostgreSQL `test` database."""
    if name == "sqlite":
        yield f"sqlite:///{tmp}/facilitator.db"
        return
    with fresh_postgres_schema() as url:
        yield url


def prepared(url: str) -> tuple[Engine, list[WorkshopLinks]]:
    engine = make_engine(url)
    upgrade(engine)
    links = create_programme(engine, PROGRAMME, clock=system_clock, base_url="")
    return engine, links


def token_of(link: str) -> str:
    return link.split("token=")[1]


def join(server: Server, code: str, name: str) -> dict[str, Any]:
    with server.http() as http:
        answer = http.post(f"/join/{code}", json={"name": name, "department": "miljo"})
    assert answer.status_code == 200, answer.text
    joined: dict[str, Any] = answer.json()
    return joined


def command(server: Server, token: str, body: dict[str, Any]) -> httpx.Response:
    with server.http() as http:
        return http.post(
            f"/w/{server.day1.workshop_id}/commands",
            json=body,
            headers={"authorization": f"Bearer {token}"},
        )


def socket_url(server: Server, token: str, *, page: bool = False) -> str:
    protocol = "" if page else "protocol=json&"
    return f"{server.ws}/w/{server.day1.workshop_id}/ws?{protocol}token={token}"


def open_socket(url: str, **options: Any) -> ClientConnection:
    # No keepalive pings: their payload comes from the random module, in a thread of
    # websockets' own, and Hypothesis warns when that happens while it draws an example.
    connection: ClientConnection = connect(
        url, compression=None, open_timeout=10, ping_interval=None, **options
    )
    return connection


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    tmp = tmp_path_factory.mktemp(request.param)
    with database(request.param, tmp) as url:
        engine, links = prepared(url)
        with serving(url, tmp) as (process, base):
            day1, other = links[1], links[0]  # staff day 1, and another workshop
            found = Server(request.param, engine, process, base, tmp / "server.log", day1, other)
            found.facilitator, found.projector = (
                token_of(day1.facilitator),
                token_of(day1.projector),
            )
            found.ada = join(found, day1.join_code, "Ada Lund")
            found.lea = join(found, day1.leader_code, "Lea Leder")
            found.zed = join(found, day1.join_code, "Zed")
            for body in ({"type": "start"}, {"type": "jump", "phase": GROUP_WORK}):
                assert command(found, found.facilitator, body).status_code == 200
            seed = {"type": "post_idea", "text": "Én indgang", "client_id": "seed"}
            assert command(found, found.ada["token"], seed).status_code == 200
            theme = {"type": "create_theme", "name": "Adgang", "client_id": "theme"}
            assert command(found, found.facilitator, theme).status_code == 200
            with found.http() as http:
                opened = http.get(
                    f"/w/{day1.workshop_id}/reflection",
                    headers={"authorization": f"Bearer {found.ada['token']}"},
                )
            assert opened.status_code == 303, opened.text
            found.reflection = opened.headers["location"].removeprefix("/r/")
            with contextlib.ExitStack() as sockets:
                found.sockets = {
                    name: sockets.enter_context(open_socket(socket_url(found, token, page=page)))
                    for name, token, page in [
                        ("ada", found.ada["token"], False),
                        ("facilitator", found.facilitator, False),
                        ("ada-page", found.ada["token"], True),
                        ("facilitator-page", found.facilitator, True),
                    ]
                }
                for name in ("ada", "facilitator"):  # JSON sockets hear events after hello
                    exchange(found, name, json.dumps({"type": "hello", "last_seq": None}))
                drain(found)
                yield found
        engine.dispose()


def stored(server: Server) -> dict[str, list[str]]:
    """Every row of every table, as text."""
    with server.engine.connect() as connection:
        return {
            table.name: sorted(repr(tuple(row)) for row in connection.execute(select(table)))
            for table in SQLModel.metadata.sorted_tables
        }


# --- what sockets receive ---------------------------------------------------------------------


def exchange(server: Server, name: str, frame: str | bytes | None) -> list[dict[str, Any]]:
    """Send ``frame`` (if any) and a ping on socket ``name``; return the JSON messages that
    came before the pong. Fails if the socket closes or sends what a client cannot read."""
    connection = server.sockets[name]
    pongs = 1 + is_a_ping(frame)  # a frame that is a ping itself is answered with a pong too
    try:
        if frame is not None:
            connection.send(frame)
        connection.send(json.dumps({"type": "ping"}))
        messages: list[dict[str, Any]] = []
        while True:
            message = connection.recv(timeout=20)
            assert isinstance(message, str), f"a binary frame on {name}: {message!r}"
            message.encode("utf-8")  # the client decoded it; a second check costs nothing
            if message.startswith("<"):  # the fragments of a page's socket
                assert name.endswith("-page"), message[:80]
                continue
            decoded = json.loads(message)
            assert isinstance(decoded, dict) and "type" in decoded, message[:200]
            if decoded == {"type": "pong"}:
                pongs -= 1
                if not pongs:
                    return messages
                continue
            messages.append(decoded)
    except ConnectionClosed as closed:
        raise AssertionError(f"socket {name} was closed: {closed.rcvd}") from closed


def is_a_ping(frame: str | bytes | None) -> bool:
    """Whether the server takes ``frame`` for a ping, as it decodes text frames."""
    if not isinstance(frame, str):
        return False  # none, or a binary frame: refused as malformed
    try:
        message = decode(frame, Limits())
    except EdgeError:
        return False
    return isinstance(message, dict) and message.get("type") == "ping"


def drain(server: Server) -> None:
    """Read every socket up to a pong, so none falls behind (and each proves it is open)."""
    for name in server.sockets:
        exchange(server, name, None)


# --- hostile input ----------------------------------------------------------------------------

clean_text = st.lists(
    st.one_of(st.text(max_size=4), st.sampled_from(ODD_BUT_FINE)), max_size=4
).map("".join)
dirty_text = st.tuples(clean_text, st.sampled_from(UNSTORABLE), clean_text).map("".join)
hostile_text = st.one_of(clean_text, dirty_text)  # half of it cannot be stored
printable = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=40)
header_text = st.one_of(printable, printable.map(lambda t: f'"\\000{t}"'), st.just('"\\377"'))

TYPES = [  # every command but end and anonymise_participant, which would end the fuzz's room
    "start", "next", "previous", "jump", "pause", "resume", "extend", "join", "post_idea",
    "edit_idea", "delete_idea", "hide_idea", "unhide_idea", "merge_ideas", "create_theme",
    "rename_theme", "assign_theme", "vote", "unvote", "reveal_votes", "form_groups",
    "move_participant", "triage", "reveal_decision", "react", "ask_question", "hello", "ping",
]  # fmt: skip
FIELDS = [
    "text", "anonymous", "idea", "source", "target", "name", "department", "board", "theme",
    "participant", "group", "seed", "phase", "minutes", "entry", "field", "value", "reaction",
    "last_seq", "epoch", "client_id",
]  # fmt: skip
leaf = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    hostile_text,
    st.sampled_from(["seed", "theme", "proposals", "g1", "owner", "rationale", "verdict"]),
)
json_value = st.recursive(
    leaf,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(hostile_text, inner, max_size=3),
    max_leaves=6,
)
# Well-formed commands whose text (or id) may not be storable: what gets past a schema.
shaped = st.one_of(
    st.fixed_dictionaries({"type": st.just("post_idea"), "text": hostile_text}),
    st.fixed_dictionaries(
        {"type": st.just("edit_idea"), "idea": st.just("seed"), "text": hostile_text}
    ),
    st.fixed_dictionaries({"type": st.just("create_theme"), "name": hostile_text}),
    st.fixed_dictionaries(
        {"type": st.just("rename_theme"), "theme": st.just("theme"), "name": hostile_text}
    ),
    st.fixed_dictionaries({"type": st.just("ask_question"), "text": hostile_text}),
    st.fixed_dictionaries(
        {
            "type": st.just("triage"),
            "entry": hostile_text,
            "field": st.just("owner"),
            "value": hostile_text,
        }
    ),
    st.fixed_dictionaries(
        {"type": st.just("join"), "name": hostile_text, "department": hostile_text}
    ),
    st.fixed_dictionaries(
        {"type": st.just("vote"), "idea": st.one_of(st.just("seed"), hostile_text)}
    ),
    st.fixed_dictionaries(
        {"type": st.just("hello"), "last_seq": json_value, "epoch": hostile_text}
    ),
)
# Anything at all in the shape of an object.
anything = st.builds(
    lambda kind, fields: {**fields, "type": kind},
    st.one_of(st.sampled_from(TYPES), hostile_text, json_value),
    st.dictionaries(st.one_of(st.sampled_from(FIELDS), hostile_text), json_value, max_size=4),
)
client_ids = st.one_of(st.none(), st.uuids().map(lambda u: u.hex), hostile_text, json_value)
commands = st.tuples(st.one_of(shaped, shaped, shaped, anything), client_ids).map(
    lambda pair: pair[0] if pair[1] is None else {**pair[0], "client_id": pair[1]}
)


def as_json(value: object) -> bytes:
    """JSON as a client would send it; lone surrogates as \\ud800 escapes (how they get in)."""
    return json.dumps(value, ensure_ascii=True).encode()


def encoded(value: str) -> str:
    return quote(value.encode("utf-8", "surrogatepass"), safe="")


def as_form(fields: dict[str, Any]) -> bytes:
    """A form post of the same fields (what is not a string, as JSON text)."""
    return "&".join(
        f"{encoded(key)}={encoded(value if isinstance(value, str) else json.dumps(value))}"
        for key, value in fields.items()
    ).encode()


deep = st.sampled_from([9, 100, 5000]).flatmap(
    lambda n: st.sampled_from(
        [b"[" * n + b"]" * n, b'{"a":' * n + b"1" + b"}" * n, b'{"type": "ping", "x": ' + b"[" * n]
    )
)
LARGE = b'{"type": "post_idea", "text": "' + b"x" * 20_000 + b'"}'
JSON, FORM = "application/json", "application/x-www-form-urlencoded"
bodies = st.one_of(  # a body and the content type it is sent with, mostly its own
    st.tuples(st.just(JSON), st.one_of(commands.map(as_json), json_value.map(as_json), deep)),
    st.tuples(st.just(FORM), st.one_of(commands, anything).map(as_form)),
    st.tuples(
        st.sampled_from(
            [
                None,
                JSON,
                "application/json; charset=utf-16",
                FORM,
                "multipart/form-data; boundary=xyz",
                "multipart/form-data",
                "text/plain",
            ]
        ),
        st.one_of(st.binary(max_size=300), st.just(LARGE), commands.map(as_json)),
    ),
)
ACTORS = ["facilitator", "projector", "ada", "lea"]


def token_for(server: Server, actor: str) -> str:
    tokens: dict[str, str] = {
        "facilitator": server.facilitator,
        "projector": server.projector,
        "ada": server.ada["token"],
        "lea": server.lea["token"],
    }
    return tokens[actor]


def refused_unchanged(server: Server, before: dict[str, list[str]], answer: httpx.Response) -> None:
    """No 5xx; and a refusal (an htmx one comes as 200 that swaps nothing) changed nothing."""
    assert answer.status_code < 500, (answer.status_code, answer.text[:300])
    if answer.status_code >= 400 or answer.headers.get("hx-reswap") == "none":
        assert stored(server) == before, (answer.status_code, answer.text[:300])


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    actor=st.sampled_from(ACTORS),
    command=commands,
    encoding=st.sampled_from(["json", "form", "htmx"]),
)
def test_no_command_over_http_is_answered_5xx_and_a_refused_one_changes_nothing(
    server: Server, actor: str, command: dict[str, Any], encoding: str
) -> None:
    headers = {"authorization": f"Bearer {token_for(server, actor)}"}
    if encoding == "json":
        headers["content-type"], body = JSON, as_json(command)
    else:
        headers["content-type"], body = FORM, as_form(command)
    if encoding == "htmx":
        headers["hx-request"] = "true"
    before = stored(server)
    with server.http() as http:
        answer = http.post(f"/w/{server.day1.workshop_id}/commands", headers=headers, content=body)
    refused_unchanged(server, before, answer)
    drain(server)


# The app's own routes: a route added later is fuzzed too, without being listed here.
def _routes() -> list[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for route in create_app(Settings()).routes:
        if isinstance(route, Route):
            found |= {(method, route.path) for method in route.methods or {"GET"}}
        elif isinstance(route, Mount):
            found.add(("GET", route.path + "/{path}"))
    return sorted(found - {(method, path) for method, path in found if method == "HEAD"})


ROUTES = _routes()
PARAM = re.compile(r"\{(\w+)(?::\w+)?\}")


def mostly(draw: st.DrawFn, good: list[str], bad: st.SearchStrategy[str]) -> str:
    """One of ``good`` three times in four (when there is one), else something ``bad``."""
    chance = draw(st.integers(0, 3))
    if good and chance:
        return draw(st.sampled_from(good))
    return draw(bad)


@st.composite
def requests(draw: st.DrawFn, server: Server) -> tuple[str, str, dict[str, str], bytes | None]:
    """A request to one of the app's routes, with hostile parts in its path, its query, its
    tokens (query, Bearer header, cookies), its headers and its body."""
    method, template = draw(st.sampled_from(ROUTES))
    day1, other = server.day1, server.other
    hostile = st.one_of(hostile_text, printable, st.just("0" * 32), st.just("A" * 32))
    good = {
        "workshop_id": [day1.workshop_id, other.workshop_id],
        "code": [day1.join_code, day1.leader_code, day1.join_code.lower(), other.join_code],
        "token": [server.reflection],
        "participant_id": [server.zed["participant"]],
        "fmt": ["md", "csv", "xlsx", "html"],
        "path": ["app.js", "app.css", "../pyproject.toml"],
    }
    path = PARAM.sub(lambda m: encoded(mostly(draw, good.get(m.group(1), []), hostile)), template)
    real = [token_for(server, actor) for actor in ACTORS]
    query: list[str] = []
    headers: dict[str, str] = {}
    place = draw(st.sampled_from(["query", "bearer", "cookie", None]))
    if place == "query":
        query.append(f"token={encoded(mostly(draw, real, hostile))}")
    elif place == "bearer":
        headers["authorization"] = "Bearer " + mostly(draw, real, header_text)
    elif place == "cookie":
        role = draw(st.sampled_from(["facilitator", "projector", "participant"]))
        cookie = mostly(draw, real, header_text)
        headers["cookie"] = f"{role}-{day1.workshop_id}={cookie}; lang={draw(printable)}"
    for extra in draw(st.sets(st.sampled_from(["lang", "query", "accept", "htmx"]))):
        if extra == "lang":
            query.append(f"lang={encoded(draw(hostile_text))}")
            headers["accept-language"] = draw(header_text)
        elif extra == "query":
            query.append(f"{encoded(draw(hostile_text))}={encoded(draw(hostile_text))}")
        elif extra == "accept":
            headers["accept"] = "application/json"
        else:
            headers["hx-request"] = "true"
    body = None
    if method == "POST" or draw(st.integers(0, 9)) == 0:
        kind, body = draw(bodies)
        if kind is not None:
            headers["content-type"] = kind
    url = path + ("?" + "&".join(query) if query else "")
    # HTTP itself has no way to send a header value with spaces around it.
    return method, url, {name: value.strip() for name, value in headers.items()}, body


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_no_request_is_answered_5xx_and_a_refused_one_changes_nothing(
    server: Server, data: st.DataObject
) -> None:
    method, url, headers, body = data.draw(requests(server))
    before = stored(server)
    with server.http() as http:
        answer = http.request(method, url, headers=headers, content=body)
    refused_unchanged(server, before, answer)
    drain(server)


frames = st.one_of(
    commands.map(lambda c: as_json(c).decode()),
    commands.map(lambda c: as_json(c).decode()),
    json_value.map(lambda v: as_json(v).decode()),
    st.text(max_size=200),
    deep.map(bytes.decode),
    st.just(LARGE.decode()),
    st.binary(max_size=200),
)


@settings(max_examples=160, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(["ada", "facilitator", "ada-page", "facilitator-page"]), frame=frames)
@example(name="ada-page", frame='{"type": "ping", "client_id": "x"}')  # a pong of its own
def test_no_message_closes_a_socket_and_a_refused_one_changes_nothing(
    server: Server, name: str, frame: str | bytes
) -> None:
    before = stored(server)
    answers = exchange(server, name, frame)
    if not any(message["type"] == "ack" for message in answers):
        assert stored(server) == before, answers
    drain(server)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_a_socket_with_a_bad_id_or_token_is_closed_as_not_found_or_not_allowed(
    server: Server, data: st.DataObject
) -> None:
    hostile = st.one_of(hostile_text, printable, st.just("0" * 32), st.just("A" * 32))
    workshop = data.draw(st.one_of(st.just(server.day1.workshop_id), hostile))
    token = data.draw(hostile)
    place = data.draw(st.sampled_from(["query", "bearer", "cookie"]))
    query = f"token={encoded(token)}&" if place == "query" else ""
    headers = {}
    if place == "bearer":
        headers["authorization"] = "Bearer " + data.draw(header_text)
    elif place == "cookie":
        headers["cookie"] = f"participant-{server.day1.workshop_id}={data.draw(header_text)}"
    url = f"{server.ws}/w/{encoded(workshop)}/ws?{query}protocol=json"
    headers = {name: value.strip() for name, value in headers.items()}
    try:
        with (
            open_socket(url, additional_headers=headers) as connection,
            pytest.raises(ConnectionClosed) as closed,
        ):
            connection.recv(timeout=10)
    except InvalidStatus as refused:  # no websocket route matched: an HTTP answer
        assert refused.response.status_code < 500
        return
    assert closed.value.rcvd is not None and closed.value.rcvd.code in (4403, 4404)


# --- the observed cases, one by one -----------------------------------------------------------


def pages_and_sockets_work(server: Server) -> None:
    """Every screen, the person's data and a fresh snapshot, after whatever came before."""
    day1 = server.day1.workshop_id
    with server.http() as http:
        for path, token in [
            (f"/w/{day1}/facilitator", server.facilitator),
            (f"/w/{day1}/projector", server.projector),
            (f"/w/{day1}/me", server.ada["token"]),
            (f"/w/{day1}/my-data", server.ada["token"]),
            (f"/w/{day1}/export.html", server.facilitator),
            (f"/w/{day1}/export.xlsx", server.facilitator),
        ]:
            answer = http.get(path, headers={"authorization": f"Bearer {token}"})
            assert answer.status_code == 200, (path, answer.status_code, answer.text[:300])
    for token in (server.facilitator, server.ada["token"]):
        with open_socket(socket_url(server, token)) as fresh:
            fresh.send(json.dumps({"type": "hello", "last_seq": None}))
            assert json.loads(fresh.recv(timeout=10))["type"] == "welcome"
            assert json.loads(fresh.recv(timeout=10))["type"] == "snapshot"
            fresh.send(json.dumps({"type": "ping"}))
            assert json.loads(fresh.recv(timeout=10)) == {"type": "pong"}
    drain(server)


SURROGATE_POST = b'{"type": "post_idea", "text": "x\\ud800y"}'


def test_a_lone_surrogate_in_an_idea_a_theme_or_an_edit_is_refused_over_http(
    server: Server,
) -> None:
    before = stored(server)
    for body, token in [
        (SURROGATE_POST, server.ada["token"]),
        (b'{"type": "edit_idea", "idea": "seed", "text": "x\\ud800y"}', server.ada["token"]),
        (b'{"type": "create_theme", "name": "x\\ud800y"}', server.facilitator),
        (b'{"type": "rename_theme", "theme": "theme", "name": "x\\udfff"}', server.facilitator),
        (b'{"type": "post_idea", "text": "ok", "client_id": "a\\ud800"}', server.ada["token"]),
    ]:
        with server.http() as http:
            answer = http.post(
                f"/w/{server.day1.workshop_id}/commands",
                content=body,
                headers={"content-type": "application/json", "authorization": f"Bearer {token}"},
            )
        assert answer.status_code == 422, answer.text
        assert answer.json() == {
            "ok": False,
            "code": "bad_characters",
            "error": "Teksten indeholder tegn, der ikke kan gemmes.",
        }
    assert stored(server) == before
    pages_and_sockets_work(server)


def test_a_lone_surrogate_post_is_refused_on_the_socket_which_stays_open(server: Server) -> None:
    before = stored(server)
    for name in ("ada", "ada-page"):
        answers = exchange(server, name, SURROGATE_POST.decode()[:-1] + ', "client_id": "s-1"}')
        assert answers == [
            {
                "type": "refused",
                "client_id": "s-1",
                "code": "bad_characters",
                "error": "Teksten indeholder tegn, der ikke kan gemmes.",
            }
        ]
        # A client id that cannot be sent back is not: the refusal names none.
        answers = exchange(
            server, name, '{"type": "post_idea", "text": "ok", "client_id": "\\ud800"}'
        )
        assert [(a["code"], a["client_id"]) for a in answers] == [("bad_characters", None)]
    assert stored(server) == before
    pages_and_sockets_work(server)


def test_nul_in_a_path_a_token_or_a_client_id_is_not_found_not_allowed_or_refused(
    server: Server,
) -> None:
    day1 = server.day1.workshop_id
    before = stored(server)
    with server.http() as http:
        for path in [
            "/w/%00/facilitator",
            f"/w/{day1}%00/me",
            "/join/%00",
            "/r/%00",
            "/static/%00",
        ]:
            assert http.get(path).status_code == 404, path
        assert http.post("/join/K7%00QP4").status_code == 404
        assert http.get(f"/w/{day1}/state?token=%00").status_code == 403
        assert http.get(f"/w/{day1}/state?token=A%00{'A' * 30}").status_code == 403
        cookie = f'facilitator-{day1}="\\000{server.facilitator}"'
        assert http.get(f"/w/{day1}/state", headers={"cookie": cookie}).status_code == 403
        assert http.get(f"/w/{day1}/me", headers={"cookie": cookie}).status_code == 303
    answer = command(
        server, server.ada["token"], {"type": "post_idea", "text": "a", "client_id": "a\x00"}
    )
    assert (answer.status_code, answer.json()["code"]) == (422, "bad_characters")
    answer = command(server, server.ada["token"], {"type": "post_idea", "text": "a\x00b"})
    assert (answer.status_code, answer.json()["code"]) == (422, "bad_characters")
    for url, code in [
        (f"{server.ws}/w/%00/ws?protocol=json", 4404),
        (f"{server.ws}/w/{day1}/ws?protocol=json&token=%00", 4403),
    ]:
        with open_socket(url) as connection, pytest.raises(ConnectionClosed) as closed:
            connection.recv(timeout=10)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == code
    assert stored(server) == before


# Within the body limit, far beyond the depth limit (and the parser's own).
DEEP = [b"[" * 5000 + b"]" * 5000, b'{"a":' * 2000 + b"1" + b"}" * 2000]


@pytest.mark.parametrize("body", DEEP, ids=["arrays", "objects"])
def test_json_nested_5000_deep_is_malformed_everywhere_and_the_socket_stays_open(
    server: Server, body: bytes
) -> None:
    day1 = server.day1.workshop_id
    ada = {"authorization": f"Bearer {server.ada['token']}"}
    before = stored(server)
    with server.http() as http:
        for path, headers in [
            (f"/w/{day1}/commands", ada),
            (f"/join/{server.day1.join_code}", {}),
            (f"/r/{server.reflection}", ada),
        ]:
            answer = http.post(
                path,
                content=body,
                headers={
                    **headers,
                    "content-type": "application/json",
                    "accept": "application/json",
                },
            )
            assert answer.status_code == 422, (path, answer.status_code, answer.text[:200])
            assert answer.json()["ok"] is False
    for name in ("ada", "facilitator-page"):
        answers = exchange(server, name, body.decode())
        assert [(a["type"], a["code"]) for a in answers] == [("refused", "invalid")]
    assert stored(server) == before


def test_a_file_answer_to_a_get_with_a_hostile_body_is_sent_whole(server: Server) -> None:
    """A file answer listens on the request for the client going away; a GET's body (deep,
    or over the limit) must not be refused half-way through the answer (a 500 once)."""
    big = b"x" * (2 * 1024 * 1024)
    with server.http() as http:
        for path in ("/sw.js", "/static/app.css", "/offline"):
            for content in (*DEEP, big):
                answer = http.request(
                    "GET",
                    path,
                    content=iter([content]),  # streamed: chunked, no length declared
                    headers={"content-type": "application/json"},
                )
                assert answer.status_code == 200, (path, answer.status_code)
                assert answer.content


def test_a_declared_body_over_the_limit_is_answered_413_before_it_is_sent(server: Server) -> None:
    host, port = server.base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as raw:
        raw.sendall(
            f"POST /join/{server.day1.join_code} HTTP/1.1\r\nHost: {host}\r\n"
            "Content-Type: application/json\r\nAccept: application/json\r\n"
            "Content-Length: 1000000000\r\n\r\n".encode()
        )
        answer = b""  # and no byte of the body is sent: the answer comes all the same
        while b'"}' not in answer:
            piece = raw.recv(65536)
            assert piece, answer
            answer += piece
    assert answer.startswith(b"HTTP/1.1 413 "), answer
    assert b'{"ok":false,"error":"Beskeden er for stor."}' in answer


def test_the_server_logged_no_error(server: Server) -> None:
    drain(server)
    assert server.problems() == []


# --- from before: unstorable text already in the journal --------------------------------------


@pytest.mark.parametrize("name", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_unstorable_text_already_in_the_journal_is_shown_scrubbed_and_can_be_removed(
    name: str, tmp_path: Path
) -> None:
    # What an entry from before the fix can hold: SQLite's JSON keeps a lone surrogate;
    # PostgreSQL's refuses one (that post was a 500) but keeps controls and non-characters.
    old, shown = (
        ("x\\ud800y", "x\ufffdy") if name == "sqlite" else ("x\\u0001y\\ufffe", "x\ufffdy\ufffd")
    )
    with database(name, tmp_path) as url:
        engine, links = prepared(url)
        day1 = links[1]
        with serving(url, tmp_path) as (process, base):
            server = Server(name, engine, process, base, tmp_path / "server.log", day1, links[0])
            server.facilitator = token_of(day1.facilitator)
            server.projector = token_of(day1.projector)
            server.ada = join(server, day1.join_code, "Ada")
            for body in (
                {"type": "start"},
                {"type": "jump", "phase": GROUP_WORK},
                {"type": "create_theme", "name": "placeholder", "client_id": "theme"},
            ):
                assert command(server, server.facilitator, body).status_code == 200
            post = {"type": "post_idea", "text": "placeholder", "client_id": "old"}
            assert command(server, server.ada["token"], post).status_code == 200
        # Written straight into the journal, as the server before the fix wrote it.
        payload = "payload" if name == "sqlite" else "CAST(payload AS TEXT)"
        cast = "{}" if name == "sqlite" else "CAST({} AS JSON)"
        replaced = cast.format(f"REPLACE({payload}, :was, :now)")
        statement = (
            f"UPDATE journal SET payload = {replaced}"
            " WHERE type IN ('idea_posted', 'theme_created')"
        )
        with engine.begin() as connection:
            changed = connection.execute(
                text(statement), {"was": '"placeholder"', "now": f'"{old}"'}
            )
            assert changed.rowcount == 2
        written = stored(server)["journal"]

        with serving(url, tmp_path) as (process, base):  # a restart reads it all again
            server.process, server.base = process, base
            for token in (server.facilitator, server.ada["token"], server.projector):
                with open_socket(socket_url(server, token)) as connection:
                    connection.send(json.dumps({"type": "hello", "last_seq": None}))
                    assert json.loads(connection.recv(timeout=10))["type"] == "welcome"
                    view = json.loads(connection.recv(timeout=10))["view"]
                assert [idea["text"] for idea in view["ideas"]] == [shown]
                assert [theme["name"] for theme in view["themes"]] == [shown]
            pages_and_sockets_work(server)
            with server.http() as http:
                ada = {"authorization": f"Bearer {server.ada['token']}"}
                mine = http.get(f"/w/{day1.workshop_id}/my-data", headers=ada)
                staff = {"authorization": f"Bearer {server.facilitator}"}
                console = http.get(f"/w/{day1.workshop_id}/facilitator", headers=staff)
            assert [idea["text"] for idea in mine.json()["ideas"]] == [shown]
            assert shown in console.text
            # The facilitator sees it and can remove it.
            for body in (
                {"type": "delete_idea", "idea": "old"},
                {"type": "rename_theme", "theme": "theme", "name": "Adgang"},
            ):
                assert command(server, server.facilitator, body).status_code == 200
        assert server.problems() == []
        assert stored(server)["journal"][: len(written)] != [] and all(
            row in stored(server)["journal"] for row in written
        )  # nothing stored was rewritten, only added to
        engine.dispose()


# --- a body streamed without end --------------------------------------------------------------


def memory_kib(pid: int) -> dict[str, int]:
    """The process's resident memory now (VmRSS) and at its peak so far (VmHWM), in KiB."""
    found = re.findall(r"^(VmRSS|VmHWM):\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text(), re.M)
    return {key: int(value) for key, value in found}


def test_200_mib_streamed_to_a_join_is_refused_and_the_servers_memory_stays_flat(
    tmp_path: Path,
) -> None:
    with database("sqlite", tmp_path) as url:
        engine, links = prepared(url)
        engine.dispose()
        with serving(url, tmp_path) as (process, base):
            code = links[1].join_code
            with httpx.Client(base_url=base, timeout=120) as http:
                assert http.get(f"/join/{code}").status_code == 200  # warmed up
                before = memory_kib(process.pid)
                chunk = b"name=" + b"x" * (64 * 1024 - 5)

                def body() -> Iterator[bytes]:  # made as it is sent, never held whole
                    for _ in range(200 * 16):
                        yield chunk

                started = time.monotonic()
                answer = http.post(
                    f"/join/{code}",
                    content=body(),
                    headers={"content-type": "application/x-www-form-urlencoded"},
                )
                took = time.monotonic() - started
            after = memory_kib(process.pid)
        assert answer.status_code == 413, answer.text[:300]
        grew = (after["VmRSS"] - before["VmRSS"]) // 1024
        peak = (after["VmHWM"] - before["VmHWM"]) // 1024
        print(f"200 MiB in {took:.1f} s: {before} -> {after} KiB; +{grew} MiB, peak +{peak} MiB")
        assert grew < 20 and peak < 20, (before, after)


# --- one fragment that cannot be rendered ----------------------------------------------------


def test_a_fragment_that_fails_to_render_is_replaced_and_logged_once(
    sqlite_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    engine, links = prepared(sqlite_url)
    engine.dispose()
    day1 = links[1]
    render = Renderer.render

    def broken(self: Renderer, name: str, context: dict[str, Any], language: str) -> str:
        if name == "fragments/board.html":
            raise RuntimeError("an idea this template cannot show")
        return render(self, name, context, language)

    monkeypatch.setattr(Renderer, "render", broken)
    app = create_app(Settings(database_url=sqlite_url, data_dir=tmp_path))
    with TestClient(app, follow_redirects=False) as client:
        ada = client.post(f"/join/{day1.join_code}", json={"name": "Ada", "department": "miljo"})
        url = f"/w/{day1.workshop_id}/ws?token={ada.json()['token']}"
        with client.websocket_connect(url) as page:
            assert page.receive_json()["type"] == "clock"
            first = page.receive_text()
            assert page.receive_json()["type"] == "mine"
            staff = {"authorization": f"Bearer {token_of(day1.facilitator)}"}
            started = client.post(
                f"/w/{day1.workshop_id}/commands", json={"type": "start"}, headers=staff
            )
            assert started.status_code == 200
            again = page.receive_text()
        assert (
            '<section id="board" hx-swap-oob="true" class="fault"><p role="status">'
            "Denne del af skærmen kunne ikke vises.</p></section>"
        ) in first
        assert '<section id="phase"' in first and '<section id="catalogue"' in first
        # The rest of the page follows the workshop; the stand-in, unchanged, is not sent again.
        assert '<section id="phase"' in again and 'data-status="running"' in again
        assert 'id="board"' not in again
        whole = client.get(
            f"/w/{day1.workshop_id}/me", headers={"authorization": f"Bearer {ada.json()['token']}"}
        )
        assert whole.status_code == 200
    logged = [
        r for r in caplog.records if "could not render fragments/board.html" in r.getMessage()
    ]
    assert len(logged) == 1


def test_every_live_fragment_has_the_id_its_stand_in_takes() -> None:
    for names in FRAGMENTS.values():
        for name in names:
            source = (TEMPLATES / name).read_text(encoding="utf-8")
            assert f'id="{FRAGMENT_IDS[name]}" hx-swap-oob="true"' in source, name
