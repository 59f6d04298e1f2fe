"""Directory search: criteria, the site's searchable contacts, and the asynchronous search contexts (§14).

O2G searches asynchronously: ``POST /directory/search`` starts a search, then each
``GET /directory/search`` answers ``NOK`` (nothing yet), ``OK`` with a batch of contacts, and
finally ``FINISH``. The API carries no search id, so a search is identified by who asks for it.

Decisions where the reference is silent (documented here, tested in tests/unit/test_directory_model.py):

* A search context belongs to a session *and* the user it searches for: a user session has one
  current search; an administrator session has one per ``loginName`` it acts for. A new POST replaces
  that context (the old one is dropped).
* "At most 5 concurrent searches" is enforced per account (the session's login) across its sessions:
  the sixth live context is refused (``SearchLimitError`` → 403 in the API).
* The first poll after a POST answers ``NOK`` (the search is "running"); later polls deliver the
  results in batches of at most ``limit`` contacts (100 when no limit was given), then ``FINISH``.
  ``limit`` is read as the batch size, as the course's brief asks; the SDK wording ("limit of results")
  also fits, since a client that stops at the first batch gets at most ``limit`` contacts.
* Once ``FINISH`` has been answered the context is released (it stops counting against the limit) and
  later polls keep answering ``FINISH`` until a new POST or a DELETE.
* A context idle for 60 s on the virtual clock is freed; later polls answer ``TIMEOUT`` (same rule).
* A search with no matching contact answers ``NOK`` once, then ``FINISH`` (no empty ``OK`` batch).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from o2gmentor.sim.model.site import Site

FIELDS = ("lastName", "firstName", "id.phoneNumber", "id.loginName")
OPERATIONS = ("EQUAL_IGNORE_CASE", "BEGIN_WITH", "CONTAIN", "END_WITH")
COMPOUNDS = ("AND", "OR")
MAX_DEPTH = 8
MAX_LIMIT = 100
IDLE_SECONDS = 60.0
MAX_LIVE_SEARCHES = 5


class CriterionError(ValueError):
    """A filter that is not a valid O2G Criterion."""


class SearchLimitError(Exception):
    """Too many live searches for one account."""


# ------------------------------------------------------------------------------------------- criteria
@dataclass(frozen=True)
class Leaf:
    field: str
    operation: str
    operand: str


@dataclass(frozen=True)
class Compound:
    operation: str  # AND or OR
    operands: tuple[Criterion, ...]


Criterion = Leaf | Compound


def parse_criterion(raw: Any, depth: int = 0) -> Criterion:
    """A Criterion from its JSON form; ``CriterionError`` says what is wrong with it."""
    if depth > MAX_DEPTH:
        raise CriterionError(f"the filter is nested deeper than {MAX_DEPTH} levels")
    if not isinstance(raw, dict):
        raise CriterionError("a criterion must be an object")
    operation = raw.get("operation")
    if operation in COMPOUNDS:
        return _parse_compound(raw, operation, depth)
    if operation not in OPERATIONS:
        raise CriterionError(f"'operation' must be one of {', '.join(OPERATIONS + COMPOUNDS)}, not {operation!r}")
    name = raw.get("field")
    if name not in FIELDS:
        raise CriterionError(f"'field' must be one of {', '.join(FIELDS)}, not {name!r}")
    operand = raw.get("operand")
    if isinstance(operand, bool) or not isinstance(operand, str | int) or str(operand) == "":
        raise CriterionError(f"the operand of {name} {operation} must be a non-empty string")
    return Leaf(name, operation, str(operand))


def _parse_compound(raw: dict[str, Any], operation: str, depth: int) -> Compound:
    operands = raw.get("operand")
    if not isinstance(operands, list) or not operands:
        raise CriterionError(f"the operand of {operation} must be a non-empty list of criteria")
    if "field" in raw and raw["field"] is not None:
        raise CriterionError(f"an {operation} criterion has no 'field'")
    return Compound(operation, tuple(parse_criterion(item, depth + 1) for item in operands))


def criterion_json(criterion: Criterion) -> dict[str, Any]:
    """The wire form of a Criterion (the inverse of ``parse_criterion``)."""
    if isinstance(criterion, Leaf):
        return {"field": criterion.field, "operation": criterion.operation, "operand": criterion.operand}
    return {"operation": criterion.operation, "operand": [criterion_json(c) for c in criterion.operands]}


def _compare(value: str, operation: str, operand: str) -> bool:
    value, operand = value.casefold(), operand.casefold()
    if operation == "EQUAL_IGNORE_CASE":
        return value == operand
    if operation == "BEGIN_WITH":
        return value.startswith(operand)
    if operation == "END_WITH":
        return value.endswith(operand)
    return operand in value  # CONTAIN


# ------------------------------------------------------------------------------------------- contacts
@dataclass(frozen=True)
class Contact:
    """One searchable entry: the values the criteria look at, and the PartyInfo returned."""

    values: dict[str, str]
    party: dict[str, Any]

    def matches(self, criterion: Criterion) -> bool:
        """True when this contact satisfies ``criterion`` (text comparisons ignore case)."""
        if isinstance(criterion, Compound):
            results = (self.matches(c) for c in criterion.operands)
            return all(results) if criterion.operation == "AND" else any(results)
        value = self.values.get(criterion.field)
        return value is not None and value != "" and _compare(value, criterion.operation, criterion.operand)


def site_contacts(site: Site) -> list[Contact]:
    """The O2G users (``type.main`` USER), then the scenario's outside contacts (EXTERNAL).

    An outside contact has one name, which the simulator files as its ``lastName`` (and
    ``displayName``); it has no login and no first name (inferred: OXE directory entries
    for outside numbers carry one name).
    """
    found = []
    for user in site.users.values():
        party = user.identity()
        if user.name:
            party["displayName"] = user.name
        found.append(Contact({"lastName": user.last_name, "firstName": user.first_name,
                              "id.phoneNumber": user.number, "id.loginName": user.login}, party))
    for external in site.externals.values():
        party = external.identity()
        if external.name:
            party["lastName"] = external.name
        found.append(Contact({"lastName": external.name, "id.phoneNumber": external.number}, party))
    return found


def search(contacts: list[Contact], criterion: Criterion) -> list[dict[str, Any]]:
    """The PartyInfo of every contact matching ``criterion``, in directory order."""
    return [c.party for c in contacts if c.matches(criterion)]


# ------------------------------------------------------------------------------------------- searches
@dataclass
class SearchContext:
    """One running search: its results still to deliver, and where it is in the protocol."""

    owner: str  # the account whose session started it
    results: list[dict[str, Any]]
    batch: int
    started: bool = False  # False until the first poll has answered NOK
    ended: str | None = None  # None while live; FINISH or TIMEOUT once released
    timer: Any = field(default=None, repr=False)

    @property
    def live(self) -> bool:
        return self.ended is None

    def poll(self) -> dict[str, Any]:
        """The next answer of the ``GET /directory/search`` protocol."""
        if self.ended:
            return {"resultCode": self.ended}
        if not self.started:
            self.started = True
            return {"resultCode": "NOK"}
        if not self.results:
            self.ended = "FINISH"
            return {"resultCode": "FINISH"}
        batch, self.results = self.results[:self.batch], self.results[self.batch:]
        return {"resultCode": "OK", "resultElements": [{"contacts": batch}]}


Key = tuple[str, str]  # (session id, login the search is for)


class SearchRegistry:
    """Every search context of the gateway, with the per-account limit and the idle timeout."""

    def __init__(self, clock, *, idle_seconds: float = IDLE_SECONDS, max_live: int = MAX_LIVE_SEARCHES) -> None:
        self.clock = clock
        self.idle_seconds = idle_seconds
        self.max_live = max_live
        self.contexts: dict[Key, SearchContext] = {}

    def live_count(self, owner: str) -> int:
        return sum(1 for ctx in self.contexts.values() if ctx.owner == owner and ctx.live)

    def start(self, key: Key, owner: str, results: list[dict[str, Any]], limit: int | None = None) -> SearchContext:
        """Start (or restart) the search of ``key``; ``SearchLimitError`` past the account's limit."""
        self._drop(key)
        if self.live_count(owner) >= self.max_live:
            raise SearchLimitError(f"{owner} already has {self.max_live} directory searches running: "
                                   "cancel one (DELETE /directory/search), let one finish, or wait a minute")
        ctx = SearchContext(owner, list(results), min(limit or MAX_LIMIT, MAX_LIMIT))
        self.contexts[key] = ctx
        self._touch(key, ctx)
        return ctx

    def poll(self, key: Key) -> dict[str, Any] | None:
        """The next answer for ``key``, or None when it has no search at all."""
        ctx = self.contexts.get(key)
        if ctx is None:
            return None
        answer = ctx.poll()
        if ctx.live:
            self._touch(key, ctx)
        else:
            self._cancel_timer(ctx)
        return answer

    def cancel(self, key: Key) -> bool:
        """Forget ``key``'s search; False when there was none."""
        return self._drop(key)

    def forget_session(self, session_id: str) -> None:
        """Free every context of a closed session."""
        for key in [k for k in self.contexts if k[0] == session_id]:
            self._drop(key)

    # ------------------------------------------------------------------ internals
    def _touch(self, key: Key, ctx: SearchContext) -> None:
        self._cancel_timer(ctx)
        ctx.timer = self.clock.call_later(self.idle_seconds, self._expire(key, ctx))

    def _expire(self, key: Key, ctx: SearchContext) -> Callable[[], None]:
        def expire() -> None:
            if self.contexts.get(key) is ctx and ctx.live:
                ctx.ended = "TIMEOUT"
                ctx.results = []
                ctx.timer = None
        return expire

    @staticmethod
    def _cancel_timer(ctx: SearchContext) -> None:
        if ctx.timer is not None:
            ctx.timer.cancel()
            ctx.timer = None

    def _drop(self, key: Key) -> bool:
        ctx = self.contexts.pop(key, None)
        if ctx is not None:
            self._cancel_timer(ctx)
        return ctx is not None
