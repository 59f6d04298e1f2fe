"""Client pieces that need no server: errors and their hints, secrets kept out of reprs."""

from o2gmentor.client import O2G, O2GError
from o2gmentor.client.session import Secret


def test_o2g_error_carries_status_body_and_a_hint():
    body = {"helpMessage": "call x not found", "telephony": {"errorType": "CALL_REFERENCE_NOT_FOUND"}}
    err = O2GError(404, "POST", "https://h/api/rest/1.0/telephony/calls/x/hold", body)
    assert err.status == 404 and err.body == body
    assert err.error_type == "CALL_REFERENCE_NOT_FOUND"
    assert "hint: 404" in str(err) and "call x not found" in str(err)


def test_expired_session_hint_says_to_log_in_again():
    assert "login" in O2GError(401, "GET", "u").hint


def test_password_never_shows_in_repr_or_vars():
    client = O2G("127.0.0.1:8443", "oxe1001", "s3cret-pw")
    assert "s3cret-pw" not in repr(client)
    assert "s3cret-pw" not in repr(vars(client))
    assert "s3cret-pw" not in str(Secret("s3cret-pw"))


def test_host_must_not_carry_a_scheme():
    import pytest

    with pytest.raises(ValueError):
        O2G("https://127.0.0.1:8443", "a", "b")
