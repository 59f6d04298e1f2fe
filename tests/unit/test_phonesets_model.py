"""Phone-set programming model: key layouts per set type, locked keys, PIN rules, remote extension."""

from __future__ import annotations

import pytest

from o2gmentor.sim import scenario
from o2gmentor.sim.model.bus import Recorder
from o2gmentor.sim.model.pbx import Pbx
from o2gmentor.sim.model.phonesets import PhoneSetError


@pytest.fixture()
def pbx() -> Pbx:
    return Pbx(scenario.load("default"))


def test_layout_depends_on_the_set_type(pbx):
    desk, soft, dect = (pbx.phonesets.state(n) for n in ("1001", "1003", "1004"))
    assert [len(desk.programmable_keys()), len(soft.programmable_keys()), len(dect.programmable_keys())] == [16, 8, 0]
    assert [len(desk.soft_keys()), len(soft.soft_keys()), len(dect.soft_keys())] == [4, 4, 0]
    assert desk.programmed_keys() == [
        {"position": 1, "number": "4000", "mnemonic": "VoiceMail", "locked": True},
        {"position": 2, "number": "1002", "mnemonic": "Lefevre", "locked": False},
    ]
    assert soft.programmed_keys() == []


def test_program_and_clear_a_key(pbx):
    sets = pbx.phonesets
    sets.set_programmable_key("1001", "5", {"position": 5, "number": "0472000001", "mnemonic": "Rhone"}, admin=False)
    assert {"position": 5, "number": "0472000001", "mnemonic": "Rhone", "locked": False} \
        in sets.state("1001").programmed_keys()
    sets.clear_programmable_key("1001", "5", admin=False)
    assert all(k["position"] != 5 for k in sets.state("1001").programmed_keys())


@pytest.mark.parametrize(("position", "body", "status"), [
    ("17", {"number": "1002"}, 404),
    ("0", {"number": "1002"}, 404),
    ("x", {"number": "1002"}, 400),
    ("3", {"number": "12a"}, 400),
    ("3", {}, 400),
    ("3", {"position": 4, "number": "1002"}, 400),
    ("3", {"number": "1002", "mnemonic": "x" * 21}, 400),
])
def test_bad_keys(pbx, position, body, status):
    with pytest.raises(PhoneSetError) as err:
        pbx.phonesets.set_programmable_key("1001", position, body, admin=False)
    assert err.value.status == status


def test_a_dect_has_no_key_to_program(pbx):
    with pytest.raises(PhoneSetError) as err:
        pbx.phonesets.set_programmable_key("1004", "1", {"number": "1002"}, admin=False)
    assert err.value.status == 404 and "no programmable key" in err.value.message


def test_only_an_administrator_changes_a_locked_key(pbx):
    sets = pbx.phonesets
    for action in (lambda: sets.set_programmable_key("1001", "1", {"number": "1002"}, admin=False),
                   lambda: sets.clear_programmable_key("1001", "1", admin=False)):
        with pytest.raises(PhoneSetError) as err:
            action()
        assert err.value.status == 403
    sets.set_programmable_key("1001", "1", {"number": "4000", "mnemonic": "VM", "locked": False}, admin=True)
    sets.set_programmable_key("1001", "1", {"number": "1003"}, admin=False)
    assert sets.state("1001").programmed_keys()[0] == {"position": 1, "number": "1003", "locked": False}


def test_a_user_cannot_lock_a_key(pbx):
    pbx.phonesets.set_programmable_key("1001", "4", {"number": "1002", "locked": True}, admin=False)
    assert pbx.phonesets.state("1001").programmable_keys()[3]["locked"] is False


def test_pin_rules(pbx):
    sets = pbx.phonesets
    sets.set_pin("1001", {"Pin_Number": "4321", "Pin_Type_Of_Control": "PIN_By_Group", "Pin_Group": 3,
                          "With_Secret_Code": True})
    assert sets.state("1001").pin == {"Pin_Number": "4321", "With_Secret_Code": True,
                                      "Pin_Type_Of_Control": "PIN_By_Group", "Pin_Group": 3}
    for bad in ({"Pin_Type_Of_Control": "PIN_Anything"}, {"Pin_Number": "12ab"}, {"Pin_Group": -1},
                {"With_Secret_Code": "yes"}, {"Pin_Type_Of_Control": "PIN_By_Group", "Pin_Group": 0}):
        with pytest.raises(PhoneSetError) as err:
            sets.set_pin("1001", bad)
        assert err.value.status == 400
    assert sets.state("1001").pin["Pin_Number"] == "4321"  # a refused change changes nothing


def test_associate_must_be_another_set(pbx):
    pbx.phonesets.set_associate("1001", "1002")
    assert pbx.phonesets.state("1001").dynamic_state() == {"lock": False, "campon": False, "associate": "1002"}
    for bad in ("1001", "9999"):
        with pytest.raises(PhoneSetError):
            pbx.phonesets.set_associate("1001", bad)


def test_remote_extension_follows_routing(pbx):
    pbx.routing["oxe1001"].mobile_selected = False
    recorder = Recorder(pbx.bus)
    pbx.phonesets.set_remote_extension("1001", "oxe1001", True)
    assert pbx.routing["oxe1001"].mobile_selected is True
    assert pbx.phonesets.state("1001").remote_extension is True
    assert recorder.names("oxe1001") == ["OnRoutingStateChanged"]


def test_remote_extension_needs_one_configured(pbx):
    pbx.routing["oxe1002"].mobile_selected = None
    with pytest.raises(PhoneSetError) as err:
        pbx.phonesets.set_remote_extension("1002", "oxe1002", True)
    assert err.value.status == 409
    assert pbx.routing["oxe1002"].mobile_selected is None


def test_reset_forgets_the_programming(pbx):
    pbx.phonesets.state("1001").lock = True
    pbx.reset()
    assert pbx.phonesets.state("1001").lock is False
