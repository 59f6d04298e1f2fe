"""The end-of-run log scan (tests/logscan.py) finds a leaked credential wherever it was written."""

from __future__ import annotations

import base64
import logging

from tests.logscan import ScanHandler, forbidden_strings, leaks, scan_files, sim_logs


def test_the_practice_credentials_are_looked_for_in_every_form():
    forbidden = forbidden_strings()
    assert "oxe1001:1001" in forbidden and base64.b64encode(b"oxe1001:1001").decode() in forbidden
    assert "admin-o2g" in forbidden
    assert "1001" not in forbidden, "an extension number alone is not a leak"
    assert leaks("headers {'Authorization': 'Basic b3hl'}", forbidden)
    assert leaks("login pw-AbCdEfGhIjKlMnOp failed", forbidden)
    assert not leaks("oxe1001 called 1002; Basic authentication is required", forbidden)


def test_a_password_in_a_sim_log_or_a_log_record_is_found(tmp_path):
    forbidden = forbidden_strings()
    (tmp_path / "a" / "b").mkdir(parents=True)
    log = tmp_path / "a" / "b" / "sim.log"
    log.write_text("ok line\nlogin admin:admin-o2g\n", encoding="utf-8")
    assert sim_logs([tmp_path]) == [log]
    assert len(scan_files([log], forbidden)) == 2  # admin:admin-o2g, and admin-o2g itself
    log.unlink()  # this planted leak must not fail the run's own scan
    handler = ScanHandler(forbidden)
    logger = logging.getLogger("o2gmentor.test-logscan")
    logger.addHandler(handler)
    logger.propagate = False  # nor this one
    try:
        logger.warning("retrying with %s", "Authorization: Basic " + base64.b64encode(b"oxe1002:1002").decode())
    finally:
        logger.removeHandler(handler)
        logger.propagate = True
    assert handler.records == 1 and len(handler.findings) == 2
