"""The session cookie is read without aiohttp's full cookie parser when it comes alone, as every SDK sends it,
and exactly as aiohttp reads it otherwise."""

from __future__ import annotations

import pytest
from aiohttp.test_utils import make_mocked_request

from o2gmentor.sim.api.sessions import cookie_token


@pytest.mark.parametrize(("header", "token"), [
    ("AlcUserId=ItCzeqS84FNYhemOS3ByGyyuN_1XrAUk", "ItCzeqS84FNYhemOS3ByGyyuN_1XrAUk"),  # the fast path
    ("other=1; AlcUserId=abc-DEF_9", "abc-DEF_9"),
    ("AlcUserId=abc; other=1", "abc"),
    ('AlcUserId="abc"', "abc"),
    (" AlcUserId=abc", "abc"),
    ("alcuserid=abc", None),
    ("AlcUserIdX=abc", None),
    ("AlcUserId=", ""),
    ("", None),
])
def test_the_session_cookie_is_read_as_aiohttp_reads_it(header, token):
    request = make_mocked_request("GET", "/api/rest/1.0/users", headers={"Cookie": header} if header else {})
    assert cookie_token(request) == token
    assert cookie_token(request) == make_mocked_request(
        "GET", "/", headers={"Cookie": header} if header else {}).cookies.get("AlcUserId")
