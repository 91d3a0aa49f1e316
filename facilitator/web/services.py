"""What a request handler may use, built once by the app's lifespan."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine
from starlette.requests import HTTPConnection

from facilitator.clock import Clock
from facilitator.live.rooms import Rooms
from facilitator.rendering import Renderer
from facilitator.settings import Settings
from facilitator.web.limits import Buckets, SocketCounts


@dataclass
class Services:
    settings: Settings
    engine: Engine
    rooms: Rooms
    renderer: Renderer
    clock: Clock
    sockets: SocketCounts  # open websockets per person, in this process
    command_buckets: Buckets  # the rate of HTTP commands per client


def services(connection: HTTPConnection) -> Services:
    found: Services = connection.app.state.services
    return found
