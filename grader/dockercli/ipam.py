"""``docker network create``'s IPAM block, as the Docker 28 CLI builds it from its flags.

Each ``--subnet`` gets one pool; ``--ip-range``, ``--gateway`` and ``--aux-address`` go to
the pool of the subnet that contains them (``createIPAMConfig`` in the CLI). The grammar
(``grader.commands.validate``) has already refused what the CLI refuses here.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from grader.commands.model import Command

JSON = dict[str, Any]


def _contains(subnet: str, data: str) -> bool:
    """Whether ``data`` (an address or CIDR) lies inside ``subnet``."""
    try:
        network = ipaddress.ip_network(subnet, strict=False)
        address = ipaddress.ip_interface(data).ip
    except ValueError:
        return False
    return address.version == network.version and address in network


def ipam_config(cmd: Command) -> JSON:
    """The ``IPAM`` object (``Driver``, ``Options``, ``Config``) the CLI sends."""
    pools = {subnet: {"Subnet": subnet} for subnet in cmd.option("subnet", [])}
    placed = [
        *(("IPRange", "", value) for value in cmd.option("ip-range", [])),
        *(("Gateway", "", value) for value in cmd.option("gateway", [])),
        *(
            ("AuxiliaryAddresses", *item.partition("=")[::2])
            for item in cmd.option("aux-address", [])
        ),
    ]
    for field, key, value in placed:
        for subnet, pool in pools.items():
            if not _contains(subnet, value):
                continue
            if key:
                pool.setdefault(field, {})[key] = value
            else:
                pool[field] = value
    options = dict(item.partition("=")[::2] for item in cmd.option("ipam-opt", []))
    return {
        "Driver": cmd.option("ipam-driver") or "default",
        "Options": options,
        "Config": list(pools.values()),
    }
