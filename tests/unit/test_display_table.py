"""``display.table`` shows every row it is given, in HTML and as text (notebook viewers read either)."""

from __future__ import annotations

import nbformat

from o2gmentor.course.display import event_table, table
from tests.notebooks.runner import empty_tables


def test_a_table_shows_each_row_and_cell():
    rows = [{"login": "oxe1001", "number": "1001"}, {"login": "oxe1002", "number": None}]
    shown = table(rows, ["login", "number"], ["who", "phone"])
    html, text = shown._repr_html_(), repr(shown)
    assert html.count("<tr>") == 3, "a header row and one row per item"
    for value in ("oxe1001", "1001", "oxe1002", "who", "phone"):
        assert value in html and value in text
    assert "–" in html, "a missing value shows as –"
    assert len(text.splitlines()) == 3


def test_a_table_of_a_generator_and_an_event_table_keep_their_rows():
    shown = table(({"n": i} for i in range(4)), ["n"])
    assert shown._repr_html_().count("<td") == 4
    events = event_table([{"eventName": "OnCallCreated", "loginName": "oxe1002", "callRef": "abcdef12",
                           "callData": {"state": "RINGING_INCOMING"}}])
    assert "OnCallCreated" in events._repr_html_() and "RINGING_INCOMING" in repr(events)


def test_a_lesson_showing_a_table_without_rows_is_noticed():
    notebook = nbformat.v4.new_notebook()
    full, empty = nbformat.v4.new_code_cell("table(people, ['login'])"), nbformat.v4.new_code_cell("table([], ['x'])")
    shown = table([{"login": "a"}], ["login"])._repr_html_()
    full.outputs = [nbformat.v4.new_output("display_data", {"text/html": shown})]
    empty.outputs = [nbformat.v4.new_output("display_data", {"text/html": table([], ["x"])._repr_html_()})]
    notebook.cells = [full, empty]
    found = empty_tables(notebook)
    assert len(found) == 1 and "table([]" in found[0]
