"""Which address the phones in the room should use, when the server listens on all of them."""

from __future__ import annotations

import ipaddress
import socket

WILDCARDS = frozenset({"0.0.0.0", "::", ""})


def listens_everywhere(host: str) -> bool:
    return host in WILDCARDS


def lan_address() -> str | None:
    """This machine's address on its local network, or None without one.

    A UDP socket "connected" to an address of a private range makes the operating system
    pick the interface it would route through; no packet is sent. A loopback or link-local
    answer means there is no network worth naming.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.254.254.254", 1))
            address = str(probe.getsockname()[0])
        except OSError:
            return None
    parsed = ipaddress.ip_address(address)
    return None if parsed.is_loopback or parsed.is_link_local else address
