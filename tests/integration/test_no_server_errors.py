"""Every O2G route of the simulator, fed malformed input by a user and by an administrator: never a 5xx.

Standards: bad input gets what a real O2G gives (4xx and the O2G error body), never a 500, a 503 or a hang.
Path parameters take a plausible and an absurd value; bodies and query strings are malformed in several ways.
"""

from __future__ import annotations

import itertools
import json
import re

import pytest

from tests.integration.test_sdk_contract import login_like_node

# the agent oxe2001 (set 2001, pro-ACD 2101): valid values reach the handlers' own code, absurd ones their checks
PATH_VALUES = {"ref": ["0000000000000000", "x"], "login": ["oxe2001", "nobody"], "pilot": ["3000", "x"],
               "node": ["1", "x"], "number": ["2001"], "rid": ["1", "x"], "box": ["VM4635_2001", "x"],
               "vid": ["1", "x"], "device": ["2001", "x"], "path": ["Subscriber/2001", "x/y/z"]}
FIELDS = ["deviceId", "callee", "filter", "attributes", "skills", "recordIds", "reasonIndex", "mode", "forwardRoute",
          "overflowRoutes", "presentationRoutes", "pgGroupNumber", "proAcdDeviceNumber", "agentNumber", "supervisor",
          "agents", "name", "time", "ruleNumber", "callRef", "routeCrid", "obsPeriod", "nodeId", "password"]
BODIES = [None, "{bad", "[]", json.dumps({k: [1] for k in FIELDS}), json.dumps({k: {"x": None} for k in FIELDS})]
GARBAGE = ("nodeId=x&fromDate=1&toDate=2&top=x&last=x&filter=%3D%3D%3D&attributes=,,&pgNumber=x&acknowledge=maybe"
           "&recordIdList=a,b&offset=-1&limit=x&date=x&begindate=x&format=zip&activate=x&newOnly=x&msgIds=;;")
QUERIES = ["?loginName=oxe2001", f"?loginName=oxe2001&{GARBAGE}", f"?loginName=nobody&{GARBAGE}"]


def o2g_routes(sim) -> list[tuple[str, str]]:
    found = []
    for route in sim._runner.app.router.routes():  # noqa: SLF001 - the test walks the simulator's own routes
        info = route.resource.get_info() if route.resource else {}
        path = info.get("path") or info.get("formatter")
        if path and path.startswith("/api/rest") and "/sessions" not in path and not path.endswith("/logoff"):
            found.append((route.method, path))
    return found


def urls(path: str) -> list[str]:
    names = re.findall(r"\{(\w+)(?::[^}]*)?\}", path)
    out = []
    for combo in itertools.product(*[PATH_VALUES.get(n, ["x"]) for n in names]):
        url = path
        for name, value in zip(names, combo, strict=True):
            url = re.sub(r"\{" + name + r"(?::[^}]*)?\}", value, url, count=1)
        out.append(url)
    return out


@pytest.mark.parametrize(("login", "password"), [("oxe2001", "2001"), ("admin", "admin-o2g")])
def test_no_route_answers_a_server_error(fresh_sim, login, password):
    host, ca = fresh_sim.info.address, str(fresh_sim.ca_path)
    http, _, _ = login_like_node(host, ca, login, password)
    routes = o2g_routes(fresh_sim)
    assert len(routes) > 150
    failures, answered = [], 0
    for method, path in routes:
        for url in urls(path):
            for body, query in itertools.product(BODIES, QUERIES):
                headers = {"Content-Type": "application/json"} if body is not None else {}
                r = http.request(method, f"https://{host}{url}{query}", data=body, headers=headers, verify=ca,
                                 timeout=10)
                answered += 1
                if r.status_code >= 500:
                    failures.append(f"{method} {url}{query[:30]} body={str(body)[:40]} → {r.status_code} {r.text[:99]}")
    assert failures == [], f"{len(failures)} of {answered} requests got a server error:\n" + "\n".join(failures[:20])
