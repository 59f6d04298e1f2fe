"""The OpenAPI description of the simulated O2G API: valid, complete, up to date, served.

Every route the simulator serves under ``/api/rest`` (and the ``/OTEvents`` and statistics-file routes) is
described, every described path and method is served, and the packaged ``openapi.json`` is what
``o2gmentor.sim.openapi`` builds from the routes today.
"""

from __future__ import annotations

import json

import pytest
import requests
from openapi_spec_validator import validate

from o2gmentor.sim import openapi
from o2gmentor.sim.openapi import FILE, OPENAPI_PATH, served_operations


@pytest.fixture(scope="module")
def document() -> dict:
    return json.loads(FILE.read_text(encoding="utf-8"))


def test_the_description_is_valid_openapi_3(document):
    validate(document)  # raises on any error against the OpenAPI 3.0 meta-schema
    assert document["openapi"].startswith("3.0")
    assert "not ALE's" in document["info"]["description"]


def test_every_served_route_is_described_and_every_described_one_is_served(sim, document):
    served = set(served_operations(sim._runner.app))  # noqa: SLF001 - the live simulator's route table
    under_api = {(m, p) for m, p in served if p.startswith("/api/rest")}
    assert len(under_api) > 180
    described = {(method.upper(), path) for path, item in document["paths"].items() for method in item}
    assert served - described == set(), "served but not described"
    assert described - served == set(), "described but not served"
    assert not any(p.startswith("/sim") for _, p in described), "the control API is not O2G"


def test_the_packaged_file_is_what_the_route_table_builds(sim):
    built = openapi.render(openapi.build(sim._runner.app))  # noqa: SLF001
    assert FILE.read_text(encoding="utf-8") == built, "stale: run python -m o2gmentor.sim.openapi"


def test_a_new_route_without_a_description_is_refused(sim):
    from aiohttp import web

    async def megaphone(request: web.Request) -> web.Response:
        return web.Response()

    app = web.Application()
    app.router.add_get("/api/rest/1.0/telephony/megaphone", megaphone)
    with pytest.raises(KeyError, match="megaphone"):
        openapi.build(app)


def test_every_operation_says_what_it_takes_and_answers(document):
    schemas = document["components"]["schemas"]
    for path, item in document["paths"].items():
        for method, operation in item.items():
            where = f"{method.upper()} {path}"
            assert operation["summary"] and operation["tags"], where
            responses = operation["responses"]
            ok = [code for code in responses if code.startswith("2") and code != "206"]
            assert len(ok) == 1, where
            for code in ("400", "401", "403", "404", "503"):
                assert code in responses, f"{where} does not document {code}"
            if method in ("post", "put") and "requestBody" in operation:
                body_ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
                assert body_ref.rsplit("/", 1)[1] in schemas, where
            if method == "get" and ok[0] == "200":
                assert "content" in responses["200"], f"{where}: a GET answers a body"
            for name in [seg[1:-1] for seg in path.split("/") if seg.startswith("{")]:
                refs = [p["$ref"].rsplit("/", 1)[1] for p in operation.get("parameters", [])]
                assert any(r.startswith("p_") and document["components"]["parameters"][r]["name"] == name
                           for r in refs), f"{where}: path parameter {name} undescribed"
    error = schemas["Error"]
    assert set(error["required"]) >= {"httpStatus", "code", "helpMessage", "type", "canRetry"}


def test_the_simulator_serves_it_without_a_login(fresh_sim, document):
    url = f"https://{fresh_sim.info.address}{OPENAPI_PATH}"
    r = requests.get(url, verify=str(fresh_sim.ca_path), timeout=10)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("application/json")
    assert r.json() == document
    # the error body the description promises is what an unauthenticated O2G call gets
    r = requests.get(f"https://{fresh_sim.info.address}/api/rest/1.0/users", verify=str(fresh_sim.ca_path), timeout=10)
    assert r.status_code == 401
    assert set(document["components"]["schemas"]["Error"]["required"]) <= set(r.json())


def test_postman_can_start_from_it(document):
    """What an importer needs: a server with a host variable, the two ways in, the cookie scheme."""
    server = document["servers"][0]
    assert server["url"] == "https://{host}" and server["variables"]["host"]["default"]
    schemes = document["components"]["securitySchemes"]
    assert schemes["alcUserId"] == {**schemes["alcUserId"], "type": "apiKey", "in": "cookie", "name": "AlcUserId"}
    assert document["paths"]["/api/rest/authenticate"]["get"]["security"] == [{"basicAuth": []}]
    assert document["paths"]["/api/rest"]["get"]["security"] == []
    ids = [op["operationId"] for item in document["paths"].values() for op in item.values()]
    assert len(ids) == len(set(ids))
