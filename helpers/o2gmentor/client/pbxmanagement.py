"""The PBX management service: the OXE object tree — Subscriber, Cost_Center, free numbers… (o2g-api-core.md §19).

Administrator sessions with the MANAGEMENT licence only. An object is named by its *path* from the node's
root, alternating ``{objectName}/{objectId}``: ``"Subscriber/1001"``,
``"System_Parameters/1/Free_Range_List/2"``. A *class path* ends with an object name:
``"Subscriber"``, ``"System_Parameters/1/Free_Range_List"``.

Attributes go in and come out as plain dicts ``{name: value}``; on the wire O2G wants
``{"attributes": [{"name": …, "value": ["…"]}]}`` — values are always arrays of strings.
"""

from __future__ import annotations

from typing import Any

AttributeValues = dict[str, "str | int | list[str]"]


def to_wire(attributes: AttributeValues) -> dict[str, Any]:
    """``{"Annu_Name": "Martin"}`` → ``{"attributes": [{"name": "Annu_Name", "value": ["Martin"]}]}``."""
    items = []
    for name, value in attributes.items():
        values = value if isinstance(value, list) else [value]
        items.append({"name": name, "value": [str(v) for v in values]})
    return {"attributes": items}


def from_wire(obj: dict[str, Any]) -> dict[str, str | list[str]]:
    """A ``PbxObject``'s attributes as ``{name: value}`` (a single value unwrapped, several kept as a list)."""
    result: dict[str, str | list[str]] = {}
    for attr in obj.get("attributes", []):
        values = attr.get("value") or []
        result[attr["name"]] = values[0] if len(values) == 1 else list(values)
    return result


class PbxManagement:
    def __init__(self, o2g) -> None:
        self.o2g = o2g

    def _get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        return self.o2g.request("GET", "pbxmanagement", path, params=params, expect_json=True)

    def node_ids(self) -> list[str]:
        """``GET pbxs``: the OXE nodes this O2G manages (strings such as ``"1"``)."""
        return self._get("")["nodeIds"]

    def node(self, node_id: str | int) -> dict[str, Any]:
        """``GET pbxs/{nodeId}``: ``{"nodeId": 1, "fqdn": …}``."""
        return self._get(f"/{node_id}")

    def model(self, node_id: str | int, object_name: str | None = None) -> dict[str, Any]:
        """The object model of the root, or of one class: its attributes (mandatory, type, allowed values,
        length…), its child classes, and whether create/delete/set/get are allowed."""
        return self._get(f"/{node_id}/model" + (f"/{object_name}" if object_name else ""))

    def root(self, node_id: str | int) -> dict[str, Any]:
        """``GET pbxs/{nodeId}/instances``: the node's root object (attributes and ``objectNames``)."""
        return self._get(f"/{node_id}/instances")

    def instances(self, node_id: str | int, path: str, filter: str | None = None) -> list[str]:
        """The ids of a class's instances, e.g. ``instances(1, "Subscriber", filter="Station_Type==ANALOG")``.

        Filters: ``A==v``, ``A!=v``, ``A==v*`` (starts with), ``A==*v`` (ends with), ``A=ge=v``, ``A=le=v``,
        joined by `` and `` / `` or ``.
        """
        return self._get(f"/{node_id}/instances/{path.strip('/')}", {"filter": filter})["objectIds"]

    def get(self, node_id: str | int, path: str, attributes: list[str] | None = None) -> dict[str, Any]:
        """One object as O2G sends it (``objectName``, ``objectId``, ``attributes``, ``objectNames``);
        ``attributes`` restricts the answer to those names."""
        params = {"attributes": ",".join(attributes)} if attributes else None
        return self._get(f"/{node_id}/instances/{path.strip('/')}", params)

    def values(self, node_id: str | int, path: str, attributes: list[str] | None = None) -> dict[str, Any]:
        """One object's attributes as a plain dict, e.g. ``{"Annu_Name": "Martin", …}``."""
        return from_wire(self.get(node_id, path, attributes))

    def create(self, node_id: str | int, path: str, attributes: AttributeValues) -> str:
        """``POST`` a new instance of the class at ``path``; returns its id (from the ``Location`` header,
        else the ``Directory_Number``/first attribute given)."""
        _, headers = self.o2g.request("POST", "pbxmanagement", f"/{node_id}/instances/{path.strip('/')}",
                                      json_body=to_wire(attributes), with_headers=True)
        location = headers.get("Location", "")
        if location:
            return location.rstrip("/").rsplit("/", 1)[-1]
        first = next(iter(attributes.values()), "")
        return str(first[0] if isinstance(first, list) else first)

    def modify(self, node_id: str | int, path: str, attributes: AttributeValues) -> None:
        """``PUT`` new values for some attributes of the object at ``path``."""
        self.o2g.request("PUT", "pbxmanagement", f"/{node_id}/instances/{path.strip('/')}",
                         json_body=to_wire(attributes))

    def delete(self, node_id: str | int, path: str, force: bool = False) -> None:
        """``DELETE`` the object at ``path``; ``force`` only where its model lists FORCED_DELETE."""
        params = {"force": ""} if force else None
        self.o2g.request("DELETE", "pbxmanagement", f"/{node_id}/instances/{path.strip('/')}", params=params)

    def free_numbers(self, node_id: str | int) -> list[str]:
        """Directory numbers of the free ranges that no subscriber uses yet."""
        return self.instances(node_id, "System_Parameters/1/Free_Directory_Number")
