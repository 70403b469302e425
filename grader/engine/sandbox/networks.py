"""Networks: the default ``bridge``/``host``/``none`` and user-defined bridge networks.

A container joins its networks when it starts (an address from the network's subnet) and
can be connected to or disconnected from more while it exists (``docker network
connect``). On a user-defined network each endpoint carries ``DNSNames`` (its name, its
``--network-alias`` aliases, its short id): what Docker's embedded DNS server answers for
(see :mod:`grader.engine.sandbox.dns`). The default bridge has no such names.
"""

from __future__ import annotations

import ipaddress
import json
from typing import Any

from grader.engine.errors import Conflict, EngineError, InvalidArgument, NotFound
from grader.engine.sandbox.base import JSON, LABEL_KEY, LABEL_VALUE, SandboxBase
from grader.engine.sandbox.clock import new_id, now_ns, rfc3339_ns
from grader.engine.sandbox.filters import label_matches, normalise_filters

PREDEFINED = ("bridge", "host", "none")
ALIAS_REFUSED = "network-scoped alias is supported only for containers in user defined networks"
"""dockerd's answer to ``--network-alias`` (or ``connect --alias``) on a predefined network."""
_BRIDGE_OPTIONS = {
    "com.docker.network.bridge.default_bridge": "true",
    "com.docker.network.bridge.enable_icc": "true",
    "com.docker.network.bridge.enable_ip_masquerade": "true",
    "com.docker.network.bridge.host_binding_ipv4": "0.0.0.0",
    "com.docker.network.bridge.name": "docker0",
    "com.docker.network.driver.mtu": "1500",
}


DEFAULT_POOLS = [f"172.{n}.0.0/16" for n in range(18, 32)] + [
    f"192.168.{16 * k}.0/20" for k in range(16)
]
"""The subnets dockerd gives new networks, in order (172.17.0.0/16 is the default bridge)."""


def _doc(
    name: str,
    driver: str,
    subnet: str | None,
    labels: dict[str, str] | None,
    options: dict[str, str] | None = None,
    internal: bool = False,
) -> JSON:
    config = []
    if subnet:
        network = ipaddress.ip_network(subnet, strict=False)
        config = [{"Subnet": subnet, "Gateway": str(network.network_address + 1)}]
    return {
        "Name": name,
        "Id": new_id(),
        "Created": rfc3339_ns(now_ns()),
        "Scope": "local",
        "Driver": driver,
        "EnableIPv6": False,
        "IPAM": {
            "Driver": "default",
            "Options": None if name in PREDEFINED else {},
            "Config": config,
        },
        "Internal": internal,
        "Attachable": False,
        "Ingress": False,
        "ConfigFrom": {"Network": ""},
        "ConfigOnly": False,
        "Containers": {},
        "Options": options or {},
        "Labels": labels or {},
    }


class NetworksMixin(SandboxBase):
    """``/networks`` endpoints, plus the address bookkeeping containers use."""

    def _networks_ready(self) -> None:
        if getattr(self, "_networks_checked", False):
            return
        if self.store.db.execute("SELECT 1 FROM networks WHERE name = 'bridge'").fetchone() is None:
            with self.store.write() as db:
                if db.execute("SELECT 1 FROM networks WHERE name = 'bridge'").fetchone() is None:
                    for doc in (
                        _doc("bridge", "bridge", "172.17.0.0/16", None, _BRIDGE_OPTIONS),
                        _doc("host", "host", None, None),
                        _doc("none", "null", None, None),
                    ):
                        if doc["Name"] == "bridge":
                            doc["IPAM"]["Config"] = [
                                {"Subnet": "172.17.0.0/16", "Gateway": "172.17.0.1"}
                            ]
                        db.execute(
                            "INSERT INTO networks(id, name, doc) VALUES (?, ?, ?)",
                            (doc["Id"], doc["Name"], json.dumps(doc)),
                        )
        self._networks_checked = True

    def _find_network(self, ref: str) -> JSON | None:
        self._networks_ready()
        db = self.store.db
        row = db.execute("SELECT doc FROM networks WHERE name = ? OR id = ?", (ref, ref)).fetchone()
        if row is None and ref:
            rows = db.execute(
                "SELECT doc FROM networks WHERE id LIKE ? LIMIT 2", (ref + "%",)
            ).fetchall()
            row = rows[0] if len(rows) == 1 else None
        return json.loads(row[0]) if row else None

    def _network(self, ref: str) -> JSON:
        found = self._find_network(ref)
        if found is None:
            raise NotFound(f"network {ref} not found")
        return found

    def _endpoints(self, network_name: str) -> dict[str, JSON]:
        """Running containers attached to a network: {container id: endpoint}."""
        result: dict[str, JSON] = {}
        rows = self.store.db.execute(
            "SELECT id, doc FROM containers WHERE json_extract(doc, '$.State.Running') = 1"
        )
        for cid, raw in rows:
            doc = json.loads(raw)
            endpoint = doc["NetworkSettings"]["Networks"].get(network_name)
            if endpoint and endpoint.get("IPAddress") is not None and endpoint.get("EndpointID"):
                result[cid] = {
                    "Name": doc["Name"].lstrip("/"),
                    "EndpointID": endpoint["EndpointID"],
                    "MacAddress": endpoint.get("MacAddress", ""),
                    "IPv4Address": (
                        f"{endpoint['IPAddress']}/{endpoint.get('IPPrefixLen') or 16}"
                        if endpoint["IPAddress"]
                        else ""
                    ),
                    "IPv6Address": "",
                }
        return result

    def networks(
        self,
        names: list[str] | None = None,
        ids: list[str] | None = None,
        filters: dict[str, Any] | None = None,
    ) -> list[JSON]:
        """``GET /networks``."""
        self._networks_ready()
        wanted = normalise_filters(filters)
        result = []
        for (raw,) in self.store.db.execute("SELECT doc FROM networks ORDER BY name"):
            doc = json.loads(raw)
            if names and doc["Name"] not in names:
                continue
            if ids and not any(doc["Id"].startswith(i) for i in ids):
                continue
            if "name" in wanted and not any(n in doc["Name"] for n in wanted["name"]):
                continue
            if "driver" in wanted and doc["Driver"] not in wanted["driver"]:
                continue
            if not label_matches(doc["Labels"], wanted):
                continue
            result.append(doc)
        return result

    def inspect_network(self, net_id: str) -> JSON:
        """``GET /networks/{id}``: with the running containers attached."""
        doc = self._network(net_id)
        doc["Containers"] = self._endpoints(doc["Name"])
        return doc

    def create_network(
        self,
        name: str,
        driver: str | None = None,
        labels: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> JSON:
        """``POST /networks/create``: a bridge network on the next free 172.x subnet."""
        self._networks_ready()
        labels = {**(labels or {}), LABEL_KEY: (labels or {}).get(LABEL_KEY, LABEL_VALUE)}
        driver = driver or "bridge"
        if name in PREDEFINED:
            raise EngineError(f"{name} is a pre-defined network and cannot be created", 403)
        if driver not in ("bridge",):
            raise NotFound(f'plugin "{driver}" not found')
        with self.store.write() as db:
            if db.execute("SELECT 1 FROM networks WHERE name = ?", (name,)).fetchone():
                raise Conflict(f"network with name {name} already exists")
            used = {
                json.loads(raw)["IPAM"]["Config"][0]["Subnet"]
                for (raw,) in db.execute("SELECT doc FROM networks")
                if json.loads(raw)["IPAM"]["Config"]
            }
            ipam = kwargs.get("ipam") or {}
            subnet = (ipam.get("Config") or [{}])[0].get("Subnet") or next(
                (pool for pool in DEFAULT_POOLS if pool not in used), None
            )
            if subnet is None:
                raise EngineError(
                    "could not find an available, non-overlapping IPv4 address pool among "
                    "the defaults to assign to the network",
                    403,
                )
            doc = _doc(
                name, driver, subnet, labels, kwargs.get("options"), bool(kwargs.get("internal"))
            )
            db.execute(
                "INSERT INTO networks(id, name, doc) VALUES (?, ?, ?)",
                (doc["Id"], name, json.dumps(doc)),
            )
        return {"Id": doc["Id"], "Warning": ""}

    def remove_network(self, net_id: str) -> None:
        """``DELETE /networks/{id}``."""
        doc = self._network(net_id)
        if doc["Name"] in PREDEFINED:
            raise EngineError(f"{doc['Name']} is a pre-defined network and cannot be removed", 403)
        endpoints = self._endpoints(doc["Name"])
        if endpoints:
            listed = ", ".join(
                f'name:"{e["Name"]}" id:"{e["EndpointID"][:12]}"' for e in endpoints.values()
            )
            raise EngineError(
                f"error while removing network: network {doc['Name']} has active endpoints "
                f"({listed})",
                403,
            )
        with self.store.write() as db:
            db.execute("DELETE FROM networks WHERE id = ?", (doc["Id"],))

    def prune_networks(self, filters: dict[str, Any] | None = None) -> JSON:
        """``POST /networks/prune``: user networks no running container uses."""
        wanted = normalise_filters(filters)
        deleted = []
        for doc in self.networks():
            if doc["Name"] in PREDEFINED or self._endpoints(doc["Name"]):
                continue
            if not label_matches(doc["Labels"], wanted):
                continue
            self.remove_network(doc["Id"])
            deleted.append(doc["Name"])
        return {"NetworksDeleted": deleted or None}

    def connect_container_to_network(
        self, container: str, net_id: str, *, aliases: list[str] | None = None, **_: Any
    ) -> None:
        """``POST /networks/{id}/connect``: a running container joins at once.

        Raises:
            NotFound: no such network or container.
            Forbidden: the container already has an endpoint there, or aliases on a
                predefined network.
        """
        self._settle()
        net = self._network(net_id)
        cid, doc = self._container(container)
        name = net["Name"]
        if aliases and name in PREDEFINED:
            raise EngineError(ALIAS_REFUSED, 400)
        if name in doc["NetworkSettings"]["Networks"]:
            raise EngineError(
                f"endpoint with name {doc['Name'].lstrip('/')} already exists in network {name}",
                403,
            )
        if doc["HostConfig"]["NetworkMode"] in ("host", "none") or name in ("host", "none"):
            raise EngineError(
                "container cannot be disconnected from host network or connected to host network"
                if "host" in (name, doc["HostConfig"]["NetworkMode"])
                else f"container {cid} is in none network mode: cannot connect to {name}",
                403,
            )
        with self.store.write() as db:
            row = db.execute("SELECT doc FROM containers WHERE id = ?", (cid,)).fetchone()
            doc = json.loads(row[0])
            endpoint = empty_endpoint(net["Id"])
            endpoint["Aliases"] = list(aliases) if aliases else None
            doc["NetworkSettings"]["Networks"][name] = endpoint
            if doc["State"]["Running"]:
                self._join_endpoint(doc, name, endpoint)
            db.execute("UPDATE containers SET doc = ? WHERE id = ?", (json.dumps(doc), cid))

    def disconnect_container_from_network(
        self, container: str, net_id: str, force: bool = False
    ) -> None:
        """``POST /networks/{id}/disconnect``.

        Raises:
            NotFound: no such network or container.
            Forbidden: the container is not connected to that network.
        """
        self._settle()
        net = self._network(net_id)
        cid, doc = self._container(container)
        name = net["Name"]
        if name not in doc["NetworkSettings"]["Networks"]:
            raise EngineError(f"container {cid} is not connected to network {name}", 403)
        with self.store.write() as db:
            row = db.execute("SELECT doc FROM containers WHERE id = ?", (cid,)).fetchone()
            doc = json.loads(row[0])
            doc["NetworkSettings"]["Networks"].pop(name, None)
            if name == "bridge":
                doc["NetworkSettings"].update(
                    {
                        "EndpointID": "",
                        "Gateway": "",
                        "IPAddress": "",
                        "IPPrefixLen": 0,
                        "MacAddress": "",
                    }
                )
            db.execute("UPDATE containers SET doc = ? WHERE id = ?", (json.dumps(doc), cid))

    def _join_endpoint(self, doc: JSON, name: str, endpoint: JSON) -> None:
        """Give a starting (or running) container its address on one network."""
        net = self._network(name)
        ip, gateway, mac = ("", "", "")
        if name not in ("host", "none"):
            ip, gateway, mac = self._assign_address(name)
        endpoint.update(
            {
                "NetworkID": net["Id"],
                "EndpointID": new_id(),
                "Gateway": gateway,
                "IPAddress": ip,
                "IPPrefixLen": _prefix_length(net) if ip else 0,
                "MacAddress": mac,
                "DNSNames": None if name in PREDEFINED else dns_names(doc, endpoint),
            }
        )
        if name == "bridge":
            doc["NetworkSettings"].update(
                {
                    "EndpointID": endpoint["EndpointID"],
                    "Gateway": gateway,
                    "IPAddress": ip,
                    "IPPrefixLen": 16,
                    "MacAddress": mac,
                }
            )

    def _assign_address(self, network_name: str) -> tuple[str, str, str]:
        """(IP address, gateway, MAC) for a container joining a network now."""
        net = self._network(network_name)
        config = net["IPAM"]["Config"]
        if not config:
            return "", "", ""
        subnet = ipaddress.ip_network(config[0]["Subnet"], strict=False)
        used = {e["IPv4Address"].split("/")[0] for e in self._endpoints(net["Name"]).values()}
        for n in range(2, min(subnet.num_addresses - 1, 65000)):
            ip = str(subnet.network_address + n)
            if ip not in used:
                octets = [int(x) for x in ip.split(".")]
                mac = "02:42:" + ":".join(f"{o:02x}" for o in octets)
                return ip, config[0]["Gateway"], mac
        raise InvalidArgument("no available IPv4 addresses on this network's address pools")


def empty_endpoint(network_id: str = "") -> JSON:
    """An endpoint of a container that has not joined its network yet."""
    return {
        "IPAMConfig": None,
        "Links": None,
        "Aliases": None,
        "MacAddress": "",
        "DriverOpts": None,
        "NetworkID": network_id,
        "EndpointID": "",
        "Gateway": "",
        "IPAddress": "",
        "IPPrefixLen": 0,
        "IPv6Gateway": "",
        "GlobalIPv6Address": "",
        "GlobalIPv6PrefixLen": 0,
        "DNSNames": None,
    }


def dns_names(doc: JSON, endpoint: JSON) -> list[str]:
    """The names a container answers to on one user-defined network, as Docker 28 lists them.

    Its name, its aliases there, its short id and its hostname, without repeats.
    """
    names = [doc["Name"].lstrip("/"), *(endpoint.get("Aliases") or []), doc["Id"][:12]]
    names.append(doc["Config"].get("Hostname") or doc["Id"][:12])
    return [name for index, name in enumerate(names) if name and name not in names[:index]]


def _prefix_length(network: JSON) -> int:
    """The prefix length of a network's first subnet (16 for 172.18.0.0/16)."""
    config = network["IPAM"]["Config"]
    return int(config[0]["Subnet"].rsplit("/", 1)[1]) if config else 0
