"""The OXE management object tree behind O2G's PBX management service (o2g-api-core.md §19, domain §3, §5).

One OXE node (the scenario's first node) holds a tree of objects, each an instance of an object
class described by an *object model* (``GET /pbxs/{node}/model``):

    Node/1                              the root (``GET /pbxs/1/instances``)
      Subscriber/{Directory_Number}     one per OXE subscriber (O2G users and the others)
        Tsc_IP_subscriber/{DN}          IP sets only (``IP_Softphone_Emul``)
      Cost_Center/{Cost_Center_Id}
      System_Parameters/1
        Free_Range_List/{n}             ``Name``, ``Begin_Range``, ``End_Range``
        Free_Directory_Number/{DN}      computed: the ranges minus the numbers in use (read-only)

The tree is kept coherent with the PBX: a Subscriber whose ``ClickAndPh`` (A4980) is not ``NONE`` *is*
an O2G user (domain §3: "a subscriber will be considered … only if its A4980 (ClickAndPh) attribute is
different of NONE"), so creating, modifying or deleting one adds, updates or removes that user.

Names and values that no public source shows (the root's class and attributes, the station-type ↔ device
mapping, ``usedWhen`` texts, the free-number cap) are illustrative; the docstrings say so where it matters.

Choices where the reference is silent (the simplest faithful behaviour):
* status codes: 400 for a malformed body or a value the model refuses (unknown attribute, missing mandatory
  one, not an allowed value, wrong length, not an integer, id modified); 409 when an id or unique name is
  already in use (an existing Directory_Number, a Cost_Center name) or an object is still referenced;
  403 when the model forbids the operation (``create``/``delete``/``set`` false); 404 for an unknown node,
  class or instance; 405 for a list path where an object is needed, or the reverse;
* ``Secret_Code`` (the O2G password of the subscriber's user) is write-only: GET never returns it;
* ``DELETE ?force`` is refused on classes without FORCED_DELETE; on a Subscriber it is accepted and not required;
* events: one ``OnPbxObjectInstance…`` per request, for the object it names (an IP set's implicit
  ``Tsc_IP_subscriber`` sub-object is created silently); ``father`` only for objects below a top-level one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from o2gmentor.sim.model.site import Device, User
from o2gmentor.sim.scenario import DEFAULT_USER_LICENCES

MAX_FREE_NUMBERS = 200  # Free_Directory_Number lists at most this many numbers (a real OXE bounds it too; inferred)
NO_A4980 = "NONE"
DEFAULT_SECRET_CODE = "0000"  # the password of "oxe1000" in ALE's JS sample README (domain §3)

# Station_Type → (O2G device type, is an IP set with a Tsc_IP_subscriber sub-object).
# The station types are the ones seen in ALE samples (domain §3); the mapping to O2G device types is
# illustrative (a real O2G decides it from the set's hardware family).
STATION_TYPES: dict[str, tuple[str, bool]] = {
    "NOE_C_Color_IP": ("DESKPHONE", True),
    "NOE_C_IP": ("DESKPHONE", True),
    "NOE_C_COLOR_IP_8068": ("DESKPHONE", True),
    "NOE_B_IP_8028s": ("DESKPHONE", True),
    "NOE_A_IP": ("DESKPHONE", True),
    "SIP_Extension": ("SOFTPHONE", False),
    "Extern_Station": ("SOFTPHONE", False),
    "UA_VIRTUAL": ("DECT", False),
    "MIPT_300": ("DECT", False),
    "Remote_Extension": ("MOBILE", False),
    "Z_CLICK_PHONE": ("DESKPHONE", False),
    "ANALOG": ("DESKPHONE", False),
}
# O2G device type of a scenario user → the Station_Type its Subscriber shows (illustrative).
DEVICE_STATION = {"DESKPHONE": "NOE_C_Color_IP", "SOFTPHONE": "SIP_Extension", "DECT": "UA_VIRTUAL",
                  "MOBILE": "Remote_Extension"}
NO_A4980_STATIONS = {"ANALOG"}  # "some types cannot carry it (example: ANALOG)" (domain §3)
DN_PATTERN = re.compile(r"[0-9A-D]{1,8}")  # OXEDB: 1–8 digits or characters, A–D allowed (domain §5)
DIGITS = re.compile(r"[0-9]+")


class ManagementError(Exception):
    """A refused management request: the HTTP status the API answers with, and why."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def bad(message: str) -> ManagementError:
    return ManagementError(400, message)


def missing(message: str) -> ManagementError:
    return ManagementError(404, message)


# ----------------------------------------------------------------------------------------------- object models
@dataclass(frozen=True)
class AttributeModel:
    """One attribute of an object class, as ``GET …/model`` describes it (§19 ObjectModel)."""

    name: str
    type: str = "OctetString"  # Enumerated | OctetString | Sequence | Integer | Boolean | Set | ByteString
    mandatory: bool = False
    multi: bool = False
    allowed: tuple[str, ...] = ()
    length: str | None = None  # "min..max" for OctetString
    default: str | None = None
    filtering: bool = True
    used_when: str | None = None
    pattern: re.Pattern[str] | None = None  # extra format check (not on the wire)
    key: bool = False  # the object's id: given at creation, never modified
    secret: bool = False  # write-only: never returned by GET (e.g. Secret_Code)

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"name": self.name, "mandatory": self.mandatory, "typeValue": self.type,
                                "multiValue": self.multi, "filtering": self.filtering}
        if self.allowed:
            body["allowedValues"] = list(self.allowed)
        if self.length:
            body["lengthValue"] = self.length
        if self.default is not None:
            body["defaultValue"] = self.default
        if self.used_when:
            body["usedWhen"] = self.used_when
        return body

    def check(self, values: list[str]) -> None:
        """400 unless ``values`` fit this attribute (count, enumeration, integer, boolean, length, format)."""
        if not self.multi and len(values) != 1:
            raise bad(f"{self.name} takes exactly one value, got {len(values)}")
        for value in values:
            self._check_one(value)

    def _check_one(self, value: str) -> None:
        if self.type == "Enumerated" and value not in self.allowed:
            raise bad(f"{value!r} is not an allowed value of {self.name} ({', '.join(self.allowed)})")
        if self.type == "Integer" and value != "" and not re.fullmatch(r"-?[0-9]+", value):
            raise bad(f"{self.name} is an Integer: {value!r} is not a decimal number")
        if self.type == "Boolean" and value not in ("true", "false"):
            raise bad(f"{self.name} is a Boolean: use \"true\" or \"false\", not {value!r}")
        if self.length:
            low, _, high = self.length.partition("..")
            if not int(low) <= len(value) <= int(high):
                raise bad(f"{self.name} must be {self.length} characters long, {value!r} is {len(value)}")
        if self.pattern is not None and value != "" and not self.pattern.fullmatch(value):
            raise bad(f"{value!r} is not a valid {self.name}")


@dataclass
class ClassModel:
    """An object class: what may be done with its instances, their attributes, its child classes."""

    name: str
    attributes: list[AttributeModel]
    children: list[ClassModel] = field(default_factory=list)
    create: bool = True
    delete: bool = True
    set: bool = True
    get: bool = True
    hidden: bool = False
    other_actions: tuple[str, ...] = ()
    computed: bool = False  # instances are derived from other data (Free_Directory_Number)

    def attribute(self, name: str) -> AttributeModel | None:
        return next((a for a in self.attributes if a.name == name), None)

    def child(self, name: str) -> ClassModel | None:
        return next((c for c in self.children if c.name == name), None)

    @property
    def key(self) -> AttributeModel | None:
        return next((a for a in self.attributes if a.key), None)

    def find(self, name: str) -> ClassModel | None:
        """This class or a descendant class called ``name``."""
        if self.name == name:
            return self
        for child in self.children:
            found = child.find(name)
            if found:
                return found
        return None

    def to_json(self) -> dict[str, Any]:
        return {"objectName": self.name, "hidden": self.hidden, "create": self.create, "delete": self.delete,
                "set": self.set, "get": self.get, "otherActions": list(self.other_actions),
                "attributes": [a.to_json() for a in self.attributes],
                "objects": [c.to_json() for c in self.children]}


def build_models() -> ClassModel:
    """The object models of the classes this simulated OXE knows (the root is ``Node``; its name is inferred)."""
    dn = dict(type="OctetString", length="1..8", pattern=DN_PATTERN)
    tsc_ip = ClassModel("Tsc_IP_subscriber", [
        AttributeModel("IP_Softphone_Emul", "Enumerated", allowed=("No", "Yes"), default="No"),
    ], create=False, delete=False)
    subscriber = ClassModel("Subscriber", [
        AttributeModel("Directory_Number", mandatory=True, key=True, **dn),
        AttributeModel("Annu_Name", length="0..20", default=""),
        AttributeModel("Annu_First_Name", length="0..20", default=""),
        AttributeModel("Station_Type", "Enumerated", allowed=tuple(STATION_TYPES), default="SIP_Extension"),
        AttributeModel("ClickAndPh", "Enumerated", allowed=(NO_A4980, "A4980_Pro"), default=NO_A4980,
                       used_when="Station_Type!=ANALOG"),
        AttributeModel("Cost_Center_Name", length="0..20", default=""),
        AttributeModel("Cost_Center_Id", "Integer", default=""),
        AttributeModel("Facility_Category_Id", "Integer", default="1"),
        AttributeModel("Secret_Code", length="4..8", pattern=DIGITS, filtering=False, secret=True),
        # CCD roles are not modelled here: only the value the samples send (ACD_Type No_ACD) is known.
        AttributeModel("ACD_Type", "Enumerated", allowed=("No_ACD",), default="No_ACD"),
        AttributeModel("ACD_Group_Directory_Number", length="0..8", default=""),
        AttributeModel("Associated_Dect", length="0..8", default=""),
    ], children=[tsc_ip], other_actions=("FORCED_DELETE",))
    cost_center = ClassModel("Cost_Center", [
        AttributeModel("Cost_Center_Id", "Integer", key=True),
        AttributeModel("Cost_Center_Name", mandatory=True, length="1..20"),
    ])
    free_range = ClassModel("Free_Range_List", [
        AttributeModel("Name", length="0..30", default=""),
        AttributeModel("Begin_Range", mandatory=True, length="1..8", pattern=DIGITS),
        AttributeModel("End_Range", mandatory=True, length="1..8", pattern=DIGITS),
    ])
    free_number = ClassModel("Free_Directory_Number", [AttributeModel("Directory_Number", **dn)],
                             create=False, delete=False, set=False, computed=True)
    system = ClassModel("System_Parameters", [], children=[free_range, free_number],
                        create=False, delete=False, set=False)
    return ClassModel("Node", [
        AttributeModel("Node_Number", "Integer", filtering=False),
        AttributeModel("Node_Name", length="0..30", filtering=False),
    ], children=[subscriber, cost_center, system], create=False, delete=False, set=False)


# ----------------------------------------------------------------------------------------------- instances
@dataclass
class PbxObject:
    """One instance: its class, id, attribute values (always lists of strings), father and children."""

    model: ClassModel
    id: str
    attrs: dict[str, list[str]]
    father: PbxObject | None = None
    children: dict[str, dict[str, PbxObject]] = field(default_factory=dict)

    def value(self, name: str) -> str:
        values = self.attrs.get(name) or [""]
        return values[0]

    def add(self, child: PbxObject) -> PbxObject:
        child.father = self
        self.children.setdefault(child.model.name, {})[child.id] = child
        return child

    def to_json(self, only: list[str] | None = None) -> dict[str, Any]:
        """The O2G ``PbxObject``: readable attributes in model order, and the child class names."""
        attrs = [{"name": a.name, "value": list(self.attrs.get(a.name, []))}
                 for a in self.model.attributes
                 if not a.secret and a.name in self.attrs and (only is None or a.name in only)]
        body: dict[str, Any] = {"objectName": self.model.name, "objectId": self.id, "attributes": attrs}
        names = [c.name for c in self.model.children if not c.hidden]
        if names:
            body["objectNames"] = names
        return body


def sort_key(object_id: str) -> tuple[int, int, str]:
    """Numbers in numeric order, then anything else alphabetically."""
    return (0, int(object_id), "") if object_id.isdigit() else (1, 0, object_id)


# ----------------------------------------------------------------------------------------------- filters
FILTER_OPS = ("=ge=", "=le=", "==", "!=", "=!")
TOKEN = re.compile(r"(?:^|\s+)(and|or)(?:\s+|$)|(\()|(\))", re.IGNORECASE)


def parse_filter(text: str, model: ClassModel) -> Callable[[PbxObject], bool]:
    """A predicate for ``?filter=`` (§19, domain §5): ``A==v``, ``A!=v`` / ``A=!v``, ``A==v*`` (starts with),
    ``A==*v`` (ends with), ``A=ge=v``, ``A=le=v``, joined by `` and `` / `` or ``.

    ``and`` binds tighter than ``or`` and parentheses group; note that the Node SDK's ``InstanceFilter.and/or``
    concatenate without parentheses, so ``and(or(a, b), c)`` reaches the server as ``a or b and c``.
    Comparisons are case-sensitive; ``=ge=``/``=le=`` compare as numbers when both sides are numbers.
    """
    tokens = [t for t in _tokens(text) if t]
    if not tokens:
        raise bad("the filter is empty")
    predicate, rest = _or_expr(tokens, model)
    if rest:
        raise bad(f"unexpected {rest[0]!r} in the filter")
    return predicate


def _tokens(text: str) -> Iterator[str]:
    pos = 0
    for match in TOKEN.finditer(text):
        yield text[pos:match.start()].strip()
        yield (match.group(1) or match.group(2) or match.group(3)).lower()
        pos = match.end()
    yield text[pos:].strip()


def _or_expr(tokens: list[str], model: ClassModel) -> tuple[Callable[[PbxObject], bool], list[str]]:
    left, tokens = _and_expr(tokens, model)
    while tokens and tokens[0] == "or":
        right, tokens = _and_expr(tokens[1:], model)
        left = (lambda a, b: lambda o: a(o) or b(o))(left, right)
    return left, tokens


def _and_expr(tokens: list[str], model: ClassModel) -> tuple[Callable[[PbxObject], bool], list[str]]:
    left, tokens = _term(tokens, model)
    while tokens and tokens[0] == "and":
        right, tokens = _term(tokens[1:], model)
        left = (lambda a, b: lambda o: a(o) and b(o))(left, right)
    return left, tokens


def _term(tokens: list[str], model: ClassModel) -> tuple[Callable[[PbxObject], bool], list[str]]:
    if not tokens:
        raise bad("the filter ends too early")
    if tokens[0] == "(":
        inner, rest = _or_expr(tokens[1:], model)
        if not rest or rest[0] != ")":
            raise bad("a '(' in the filter is not closed")
        return inner, rest[1:]
    if tokens[0] in ("and", "or", ")"):
        raise bad(f"unexpected {tokens[0]!r} in the filter")
    return _comparison(tokens[0], model), tokens[1:]


def _comparison(text: str, model: ClassModel) -> Callable[[PbxObject], bool]:
    found = [(text.find(o), -len(o), o) for o in FILTER_OPS if o in text]
    op = min(found)[2] if found else None
    if op is None:
        raise bad(f"{text!r} is not a comparison (use ==, !=, =ge= or =le=)")
    name, _, expected = text.partition(op)
    name = name.strip()
    attribute = model.attribute(name)
    if attribute is None or attribute.secret:
        raise bad(f"{model.name} has no attribute {name!r} to filter on")
    if not attribute.filtering:
        raise bad(f"{name} cannot be used in a filter (its model says filtering=false)")
    test = _value_test(op, expected)
    return lambda obj: any(test(v) for v in obj.attrs.get(name, []))


def _value_test(op: str, expected: str) -> Callable[[str], bool]:
    if op in ("!=", "=!"):
        return lambda v: v != expected
    if op in ("=ge=", "=le="):
        sign = 1 if op == "=ge=" else -1
        return lambda v: sign * _compare(v, expected) >= 0
    if expected.endswith("*") and len(expected) > 1:
        return lambda v: v.startswith(expected[:-1])
    if expected.startswith("*") and len(expected) > 1:
        return lambda v: v.endswith(expected[1:])
    return lambda v: v == expected


def _compare(a: str, b: str) -> int:
    if DIGITS.fullmatch(a) and DIGITS.fullmatch(b):
        return (int(a) > int(b)) - (int(a) < int(b))
    return (a > b) - (a < b)


# ----------------------------------------------------------------------------------------------- request bodies
def parse_attributes(raw: Any) -> dict[str, list[str]]:
    """``[{"name": …, "value": ["…"]}]`` (or a ``{name: value(s)}`` dict) → name → list of strings; 400 if malformed.

    Values must be arrays (O2G sends and expects arrays even for one value); numbers are taken as their
    decimal text, anything else (booleans, objects, ``complexValue`` sequences) is refused.
    """
    if isinstance(raw, dict):
        raw = [{"name": k, "value": v if isinstance(v, list) else [v]} for k, v in raw.items()]
    if not isinstance(raw, list):
        raise bad("'attributes' must be a list of {name, value:[…]}")
    result: dict[str, list[str]] = {}
    for item in raw:
        if not isinstance(item, dict) or not isinstance(item.get("name"), str) or not item["name"]:
            raise bad("each attribute needs a 'name' and a 'value' list")
        name, values = item["name"], item.get("value")
        if not isinstance(values, list):
            raise bad(f"the value of {name} must be an array of strings, e.g. [\"1001\"]")
        if any(isinstance(v, bool) or not isinstance(v, str | int) for v in values):
            raise bad(f"the values of {name} must be strings")
        if name in result:
            raise bad(f"attribute {name} is given twice")
        result[name] = [str(v) for v in values]
    return result


# ----------------------------------------------------------------------------------------------- the tree
class ManagementTree:
    """The management view of the PBX's first node, built from the site and the scenario's ``management`` data."""

    def __init__(self, pbx) -> None:
        self.pbx = pbx
        self.models = build_models()
        node = pbx.site.nodes[0]
        self.node_id = str(node["id"])
        seed = pbx.scenario.get("management", {})
        self.fqdn = seed.get("fqdn") or f"{str(node.get('name', 'oxe')).lower()}.local"
        self.root = PbxObject(self.models, self.node_id, {"Node_Number": [self.node_id],
                                                          "Node_Name": [str(node.get("name", ""))]})
        system = self.root.add(PbxObject(self._class("System_Parameters"), "1", {}))
        self._seed_cost_centers(seed.get("cost_centers", []))
        self._seed_ranges(system, seed.get("free_ranges", []))
        self._seed_users(seed.get("cost_centers", []))
        for raw in seed.get("subscribers", []):
            self._seed_subscriber(raw)

    # ------------------------------------------------------------------ seeding
    def _class(self, name: str) -> ClassModel:
        found = self.models.find(name)
        assert found is not None, name
        return found

    def _seed_cost_centers(self, rows: list[dict[str, Any]]) -> None:
        for row in rows:
            self.root.add(PbxObject(self._class("Cost_Center"), str(row["id"]),
                                    {"Cost_Center_Id": [str(row["id"])], "Cost_Center_Name": [row["name"]]}))

    def _seed_ranges(self, system: PbxObject, rows: list[dict[str, Any]]) -> None:
        for index, row in enumerate(rows, start=1):
            system.add(PbxObject(self._class("Free_Range_List"), str(index), {
                "Name": [row.get("name", "")], "Begin_Range": [row["begin"]], "End_Range": [row["end"]]}))

    def _seed_users(self, cost_centers: list[dict[str, Any]]) -> None:
        center_of = {number: row for row in cost_centers for number in row.get("numbers", [])}
        for user in self.pbx.site.users.values():
            if user.node_id != self.node_id:
                continue
            center = center_of.get(user.number)
            station = DEVICE_STATION.get(user.devices[0].type if user.devices else "", "SIP_Extension")
            self._add_subscriber({
                "Directory_Number": [user.number], "Annu_Name": [user.last_name],
                "Annu_First_Name": [user.first_name], "Station_Type": [station], "ClickAndPh": ["A4980_Pro"],
                "Cost_Center_Name": [center["name"] if center else ""],
                "Cost_Center_Id": [str(center["id"]) if center else ""], "Secret_Code": [user.password]})

    def _seed_subscriber(self, raw: dict[str, Any]) -> None:
        attrs = {"Directory_Number": [raw["number"]], "Annu_Name": [raw.get("last", "")],
                 "Annu_First_Name": [raw.get("first", "")],
                 "Station_Type": [raw.get("station_type", "SIP_Extension")],
                 "ClickAndPh": [raw.get("click_and_ph", NO_A4980)]}
        if raw.get("secret_code"):
            attrs["Secret_Code"] = [raw["secret_code"]]
        if raw.get("cost_center"):
            attrs["Cost_Center_Name"] = [raw["cost_center"]]
        attrs = self._with_defaults(self._class("Subscriber"), attrs)
        self._resolve_cost_center(attrs)
        self._add_subscriber(attrs)

    def _add_subscriber(self, attrs: dict[str, list[str]]) -> PbxObject:
        model = self._class("Subscriber")
        sub = self.root.add(PbxObject(model, attrs["Directory_Number"][0], self._with_defaults(model, attrs)))
        self._sync_ip_subobject(sub)
        return sub

    @staticmethod
    def _with_defaults(model: ClassModel, attrs: dict[str, list[str]]) -> dict[str, list[str]]:
        full = {a.name: [a.default] for a in model.attributes if a.default is not None}
        full.update(attrs)
        return full

    # ------------------------------------------------------------------ read side
    def node_ids(self) -> list[str]:
        """The managed OXE nodes (strings, as ``GET /pbxs`` returns them)."""
        return [self.node_id]

    def node_info(self, node_id: str) -> dict[str, Any]:
        """``GET /pbxs/{nodeId}``: ``nodeId`` as a number, and the node's FQDN."""
        self._node(node_id)
        return {"nodeId": int(self.node_id) if self.node_id.isdigit() else self.node_id, "fqdn": self.fqdn}

    def model_json(self, node_id: str, object_name: str | None = None) -> dict[str, Any]:
        """The object model of the root, or of the class ``object_name`` wherever it sits in the tree."""
        self._node(node_id)
        model = self.models.find(object_name) if object_name else self.models
        if model is None:
            raise missing(f"no object class {object_name!r} on node {node_id}")
        return model.to_json()

    def instances(self, node_id: str, path: str, filter_text: str | None = None) -> dict[str, Any]:
        """``GET …/instances/{class path}``: the ids of the instances of a class, optionally filtered."""
        father, model = self._resolve_list(node_id, path)
        objects = self._children(father, model)
        if filter_text:
            keep = parse_filter(filter_text, model)
            objects = [o for o in objects if keep(o)]
        return {"objectName": model.name, "objectIds": [o.id for o in objects]}

    def get(self, node_id: str, path: str = "", attributes: list[str] | None = None) -> dict[str, Any]:
        """``GET …/instances[/{object path}]``: one object (the root for an empty path)."""
        obj = self._resolve_object(node_id, path)
        if attributes is not None:
            unknown = [n for n in attributes if obj.model.attribute(n) is None]
            if unknown:
                raise bad(f"{obj.model.name} has no attribute {', '.join(unknown)}")
        return obj.to_json(attributes)

    def subscriber(self, number: str) -> PbxObject | None:
        return self.root.children.get("Subscriber", {}).get(number)

    def free_numbers(self) -> list[str]:
        """Numbers of the free ranges that no subscriber (nor the voicemail) uses, at most ``MAX_FREE_NUMBERS``."""
        used = set(self.root.children.get("Subscriber", {}))
        used |= {d.id for u in self.pbx.site.users.values() for d in u.devices}
        if self.pbx.site.voicemail_number:
            used.add(self.pbx.site.voicemail_number)
        free: list[str] = []
        system = self.root.children["System_Parameters"]["1"]
        for rng in sorted(system.children.get("Free_Range_List", {}).values(), key=lambda o: sort_key(o.id)):
            begin, end = rng.value("Begin_Range"), rng.value("End_Range")
            for n in range(int(begin), int(end) + 1):
                number = str(n).zfill(len(begin))
                if number not in used and number not in free:
                    free.append(number)
                if len(free) >= MAX_FREE_NUMBERS:
                    return free
        return free

    # ------------------------------------------------------------------ write side
    def create(self, node_id: str, path: str, raw_attributes: Any) -> str:
        """``POST …/instances/{class path}``: validate, add, publish; returns the new object's id.

        400 for bad attributes, 403 when the model forbids creation, 404 for an unknown path,
        409 when the id (e.g. a Subscriber's Directory_Number) is already in use.
        """
        father, model = self._resolve_list(node_id, path)
        if not model.create:
            raise ManagementError(403, f"{model.name} objects cannot be created (model: create=false)")
        attrs = self._validated(model, parse_attributes(raw_attributes), creating=True)
        obj = self._CREATORS.get(model.name, ManagementTree._create_plain)(self, father, model, attrs)
        self._publish("OnPbxObjectInstanceCreated", obj)
        if model.name == "Subscriber":
            self._reconcile_user(obj)
        return obj.id

    def modify(self, node_id: str, path: str, raw_attributes: Any) -> None:
        """``PUT …/instances/{object path}``: change some attributes, keeping the PBX coherent."""
        obj = self._resolve_object(node_id, path)
        if not obj.model.set:
            raise ManagementError(403, f"{obj.model.name} objects cannot be modified (model: set=false)")
        changes = parse_attributes(raw_attributes)
        if not changes:
            raise bad("no attribute to modify")
        for name in changes:
            attribute = obj.model.attribute(name)
            if attribute is not None and attribute.key and changes[name] != obj.attrs.get(name):
                raise bad(f"{name} is the object's id and cannot be modified")
        merged = {**obj.attrs, **changes}
        for one, other in (("Cost_Center_Name", "Cost_Center_Id"), ("Cost_Center_Id", "Cost_Center_Name")):
            if obj.model.name == "Subscriber" and one in changes and other not in changes:
                merged[other] = [""]  # re-derived from the attribute that was given
        merged = self._validated(obj.model, merged, creating=False, obj=obj, changed=set(changes))
        before = dict(obj.attrs)
        obj.attrs = merged
        self._after_modify(obj, before)
        self._publish("OnPbxObjectInstanceModified", obj)
        if obj.model.name == "Subscriber":
            self._sync_ip_subobject(obj)
            self._reconcile_user(obj, before)

    def delete(self, node_id: str, path: str, force: bool = False) -> None:
        """``DELETE …/instances/{object path}[?force]``.

        ``force`` (FORCED_DELETE) is refused (400) on classes whose model does not offer it. On a Subscriber it
        is accepted and changes nothing: this OXE model keeps no voicemails, so a plain DELETE always works
        (ALE's tutorial deletes an A4980 subscriber with a plain DELETE → 204). Deleting a Subscriber that is an
        O2G user removes that user (its calls end first).
        """
        obj = self._resolve_object(node_id, path)
        if not obj.model.delete:
            raise ManagementError(403, f"{obj.model.name} objects cannot be deleted (model: delete=false)")
        if force and "FORCED_DELETE" not in obj.model.other_actions:
            raise bad(f"{obj.model.name} has no FORCED_DELETE action: delete it without ?force")
        if obj.model.name == "Cost_Center":
            self._check_cost_center_unused(obj)
        assert obj.father is not None
        if obj.model.name == "Subscriber":
            self._drop_user(obj.id)
        del obj.father.children[obj.model.name][obj.id]
        self._publish("OnPbxObjectInstanceDeleted", obj)

    # ------------------------------------------------------------------ users management (§20)
    def make_users(self, node_id: str, numbers: list[str] | None) -> list[User]:
        """Make OXE subscribers O2G users (``POST /usermanagement``); ``None`` means every subscriber that can.

        A listed number must be a Subscriber (404), able to carry A4980 (400) and not yet an O2G user (409);
        the list is checked before anything changes. Each one gets ``ClickAndPh=A4980_Pro``, so the tree
        stays coherent (an O2G user ⇔ A4980 ≠ NONE).
        """
        self._node(node_id)
        subs = self._subscribers_to_enable(numbers)
        created = []
        for sub in subs:
            sub.attrs["ClickAndPh"] = ["A4980_Pro"]
            self._publish("OnPbxObjectInstanceModified", sub)
            created.append(self._reconcile_user(sub))
        return [u for u in created if u is not None]

    def _subscribers_to_enable(self, numbers: list[str] | None) -> list[PbxObject]:
        subs = self.root.children.get("Subscriber", {})
        if numbers is None:
            return [s for _, s in sorted(subs.items(), key=lambda kv: sort_key(kv[0]))
                    if f"oxe{s.id}" not in self.pbx.site.users and s.value("Station_Type") not in NO_A4980_STATIONS]
        chosen = []
        for number in numbers:
            sub = subs.get(number)
            if sub is None:
                raise missing(f"no subscriber {number} on node {self.node_id}")
            if sub.value("Station_Type") in NO_A4980_STATIONS:
                raise bad(f"subscriber {number} is {sub.value('Station_Type')}: it cannot be an O2G user")
            if self._login_of(sub) in self.pbx.site.users:
                raise ManagementError(409, f"{self._login_of(sub)} is already an O2G user")
            chosen.append(sub)
        return chosen

    def remove_o2g_user(self, login: str) -> None:
        """``DELETE /usermanagement/{login}``: the O2G user goes, the OXE subscriber stays (ClickAndPh → NONE)."""
        user = self.pbx.site.user(login)
        if user is None:
            raise missing(f"unknown user {login}")
        sub = self.subscriber(user.number)
        if sub is None:
            self._drop_user(user.number, login=user.login)
            return
        sub.attrs["ClickAndPh"] = [NO_A4980]
        self._publish("OnPbxObjectInstanceModified", sub)
        self._drop_user(sub.id)

    # ------------------------------------------------------------------ paths
    def _node(self, node_id: str) -> None:
        if str(node_id) != self.node_id:
            raise missing(f"no OXE node {node_id} (known: {self.node_id})")

    @staticmethod
    def _segments(path: str) -> list[str]:
        parts = path.strip("/").split("/") if path.strip("/") else []
        if any(not p for p in parts):
            raise missing(f"malformed object path {path!r}")
        return parts

    def _walk(self, parts: list[str]) -> PbxObject:
        """Follow ``{objectName}/{objectId}`` pairs from the root."""
        obj = self.root
        for name, object_id in zip(parts[::2], parts[1::2], strict=True):
            model = obj.model.child(name)
            if model is None:
                raise missing(f"{obj.model.name} has no sub-object class {name!r}")
            child = next((c for c in self._children(obj, model) if c.id == object_id), None)
            if child is None:
                raise missing(f"no {name} {object_id}")
            obj = child
        return obj

    def _resolve_object(self, node_id: str, path: str) -> PbxObject:
        self._node(node_id)
        parts = self._segments(path)
        if len(parts) % 2:
            raise ManagementError(405, f"{path} names a list of objects: add an object id")
        return self._walk(parts)

    def _resolve_list(self, node_id: str, path: str) -> tuple[PbxObject, ClassModel]:
        self._node(node_id)
        parts = self._segments(path)
        if not parts or len(parts) % 2 == 0:
            raise ManagementError(405, f"{path or '/'} names one object, not a list of objects")
        father = self._walk(parts[:-1])
        model = father.model.child(parts[-1])
        if model is None:
            raise missing(f"{father.model.name} has no sub-object class {parts[-1]!r}")
        return father, model

    def _children(self, father: PbxObject, model: ClassModel) -> list[PbxObject]:
        if model.computed:
            return [PbxObject(model, n, {"Directory_Number": [n]}, father) for n in self.free_numbers()]
        found = father.children.get(model.name, {})
        return [found[k] for k in sorted(found, key=sort_key)]

    # ------------------------------------------------------------------ validation
    def _validated(self, model: ClassModel, attrs: dict[str, list[str]], *, creating: bool,
                   obj: PbxObject | None = None, changed: set[str] | None = None) -> dict[str, list[str]]:
        """Attributes checked against the model (unknown, mandatory, values) and the class's own rules.

        ``changed`` (on a modification) limits the value checks to the attributes the request sets.
        """
        for name in attrs if changed is None else changed:
            if model.attribute(name) is None:
                raise bad(f"{model.name} has no attribute {name!r} (see GET …/model/{model.name})")
        if creating:
            attrs = self._with_defaults(model, attrs)
        for attribute in model.attributes:
            if attribute.mandatory and not any(attrs.get(attribute.name, [])):
                raise bad(f"{attribute.name} is mandatory for a {model.name}")
            if attribute.name in attrs and (changed is None or attribute.name in changed):
                attribute.check(attrs[attribute.name])
        check = self._CHECKS.get(model.name)
        if check:
            check(self, attrs, creating, obj)
        return attrs

    def _check_subscriber(self, attrs: dict[str, list[str]], creating: bool, obj: PbxObject | None) -> None:
        number = attrs["Directory_Number"][0]
        if creating:
            site = self.pbx.site
            if self.subscriber(number) or site.device(number) or number == site.voicemail_number:
                raise ManagementError(409, f"directory number {number} is already in use")
            login = f"oxe{number}"
            if attrs["ClickAndPh"][0] != NO_A4980 and (login in site.users or login in site.admins):
                raise ManagementError(409, f"the O2G login {login} is already taken")
        if attrs["ClickAndPh"][0] != NO_A4980 and attrs["Station_Type"][0] in NO_A4980_STATIONS:
            raise bad(f"a {attrs['Station_Type'][0]} set cannot carry A4980: ClickAndPh must be NONE")
        self._resolve_cost_center(attrs)

    def _resolve_cost_center(self, attrs: dict[str, list[str]]) -> None:
        """Fill Cost_Center_Name and Cost_Center_Id from each other; 400 if unknown or inconsistent."""
        name, cid = attrs.get("Cost_Center_Name", [""])[0], attrs.get("Cost_Center_Id", [""])[0]
        centers = self.root.children.get("Cost_Center", {})
        by_name = next((c for c in centers.values() if c.value("Cost_Center_Name") == name), None) if name else None
        by_id = centers.get(cid) if cid else None
        if name and by_name is None:
            raise bad(f"no Cost_Center named {name!r}")
        if cid and by_id is None:
            raise bad(f"no Cost_Center with id {cid}")
        if by_name and by_id and by_name is not by_id:
            raise bad(f"Cost_Center_Name {name!r} and Cost_Center_Id {cid} name different cost centers")
        center = by_name or by_id
        attrs["Cost_Center_Name"] = [center.value("Cost_Center_Name") if center else ""]
        attrs["Cost_Center_Id"] = [center.id if center else ""]

    def _check_cost_center(self, attrs: dict[str, list[str]], creating: bool, obj: PbxObject | None) -> None:
        name = attrs["Cost_Center_Name"][0]
        for center in self.root.children.get("Cost_Center", {}).values():
            if center is not obj and center.value("Cost_Center_Name") == name:
                raise ManagementError(409, f"a Cost_Center is already named {name!r}")
        if creating:
            given = attrs.get("Cost_Center_Id", [""])[0]
            if given and given in self.root.children.get("Cost_Center", {}):
                raise ManagementError(409, f"Cost_Center {given} already exists")

    def _check_range(self, attrs: dict[str, list[str]], creating: bool, obj: PbxObject | None) -> None:
        begin, end = attrs["Begin_Range"][0], attrs["End_Range"][0]
        if len(begin) != len(end):
            raise bad("Begin_Range and End_Range must have the same number of digits")
        if int(begin) > int(end):
            raise bad(f"Begin_Range {begin} is after End_Range {end}")

    def _check_cost_center_unused(self, center: PbxObject) -> None:
        users = [s.id for s in self.root.children.get("Subscriber", {}).values()
                 if s.value("Cost_Center_Id") == center.id]
        if users:
            raise ManagementError(409, f"Cost_Center {center.id} is used by subscriber(s) {', '.join(users[:5])}")

    _CHECKS = {"Subscriber": _check_subscriber, "Cost_Center": _check_cost_center, "Free_Range_List": _check_range}

    # ------------------------------------------------------------------ creators
    def _create_plain(self, father: PbxObject, model: ClassModel, attrs: dict[str, list[str]]) -> PbxObject:
        key = model.key
        object_id = attrs.get(key.name, [""])[0] if key else ""
        if not object_id:
            existing = [int(i) for i in father.children.get(model.name, {}) if i.isdigit()]
            object_id = str(max(existing, default=0) + 1)
            if key:
                attrs[key.name] = [object_id]
        return father.add(PbxObject(model, object_id, attrs))

    def _create_subscriber(self, father: PbxObject, model: ClassModel, attrs: dict[str, list[str]]) -> PbxObject:
        return self._add_subscriber(attrs)

    _CREATORS = {"Subscriber": _create_subscriber}

    def _after_modify(self, obj: PbxObject, before: dict[str, list[str]]) -> None:
        """A renamed Cost_Center is renamed in its subscribers too."""
        if obj.model.name == "Cost_Center" and before.get("Cost_Center_Name") != obj.attrs["Cost_Center_Name"]:
            for sub in self.root.children.get("Subscriber", {}).values():
                if sub.value("Cost_Center_Id") == obj.id:
                    sub.attrs["Cost_Center_Name"] = list(obj.attrs["Cost_Center_Name"])

    def _sync_ip_subobject(self, sub: PbxObject) -> None:
        """IP sets have a ``Tsc_IP_subscriber/{DN}`` sub-object; other sets do not."""
        is_ip = STATION_TYPES.get(sub.value("Station_Type"), ("", False))[1]
        tsc = sub.children.setdefault("Tsc_IP_subscriber", {})
        if is_ip and sub.id not in tsc:
            sub.add(PbxObject(self._class("Tsc_IP_subscriber"), sub.id, {"IP_Softphone_Emul": ["No"]}))
        elif not is_ip:
            tsc.clear()

    # ------------------------------------------------------------------ coherence with the PBX
    @staticmethod
    def _login_of(sub: PbxObject) -> str:
        return f"oxe{sub.id}"  # the O2G login convention of every ALE sample (domain §3)

    def _reconcile_user(self, sub: PbxObject, before: dict[str, list[str]] | None = None) -> User | None:
        """Make the O2G user match the Subscriber: create, update or remove it; returns a newly created user."""
        login = self._login_of(sub)
        wanted = sub.value("ClickAndPh") != NO_A4980
        user = self.pbx.site.users.get(login)
        if wanted and user is None:
            return self._new_user(sub)
        if not wanted and user is not None:
            self._drop_user(sub.id)
        elif user is not None and before is not None:
            self._update_user(user, sub, before)
        return None

    def _new_user(self, sub: PbxObject) -> User:
        login = self._login_of(sub)
        device_type = STATION_TYPES[sub.value("Station_Type")][0]
        user = User(login=login, password=sub.value("Secret_Code") or DEFAULT_SECRET_CODE, number=sub.id,
                    first_name=sub.value("Annu_First_Name"), last_name=sub.value("Annu_Name"),
                    node_id=self.node_id, devices=[Device(sub.id, device_type, sub.value("Station_Type"), login)],
                    voicemail=self.pbx.site.voicemail_number, licences=list(DEFAULT_USER_LICENCES))
        self.pbx.add_user(user)
        self.pbx.bus.publish("userManagement", None, {"eventName": "OnUserCreated", "user": user.to_json()})
        return user

    def _update_user(self, user: User, sub: PbxObject, before: dict[str, list[str]]) -> None:
        if sub.attrs.get("Secret_Code") and sub.attrs.get("Secret_Code") != before.get("Secret_Code"):
            user.password = sub.value("Secret_Code")
        device_type = STATION_TYPES[sub.value("Station_Type")][0]
        if sub.value("Station_Type") != (before.get("Station_Type") or [""])[0] and user.devices:
            user.devices[0].type, user.devices[0].sub_type = device_type, sub.value("Station_Type")
        names = (sub.value("Annu_First_Name"), sub.value("Annu_Name"))
        if names != (user.first_name, user.last_name):
            user.first_name, user.last_name = names
            self.pbx.bus.publish("user", user.login, {"eventName": "OnUserInfoChanged", "loginName": user.login,
                                                      "user": user.to_json()})

    def _drop_user(self, number: str, login: str | None = None) -> None:
        """Remove the O2G user of a subscriber, if there is one; its password goes back into Secret_Code."""
        login = login or f"oxe{number}"
        user = self.pbx.site.users.get(login)
        if user is None:
            return
        sub = self.subscriber(number)
        if sub is not None:
            sub.attrs["Secret_Code"] = [user.password]
        self.pbx.remove_user(login)
        self.pbx.bus.publish("userManagement", None, {"eventName": "OnUserDeleted", "loginName": login})

    # ------------------------------------------------------------------ events
    def _publish(self, event_name: str, obj: PbxObject) -> None:
        """``OnPbxObjectInstance…`` (package pbxManagement, §8.8); ``father`` only for sub-objects."""
        event: dict[str, Any] = {"eventName": event_name, "nodeId": self.node_id, "objectName": obj.model.name,
                                 "objectId": obj.id}
        if obj.father is not None and obj.father is not self.root:
            event["father"] = {"objectName": obj.father.model.name, "objectId": obj.father.id}
        self.pbx.bus.publish("pbxManagement", None, event)
