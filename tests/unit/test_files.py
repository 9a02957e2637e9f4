"""Outputs are written whole or not at all (compendium.files)."""

from __future__ import annotations

import pytest

from compendium.files import atomic_output, write_text_atomic


@pytest.mark.parametrize("interruption", [KeyboardInterrupt, OSError, ValueError])
def test_an_interrupted_write_leaves_no_output(tmp_path, interruption):
    output = tmp_path / "results" / "table.md"
    with pytest.raises(interruption), atomic_output(output) as partial:
        partial.write_text("| half a table")
        raise interruption
    assert sorted(tmp_path.rglob("*")) == [output.parent]


def test_an_interrupted_write_keeps_the_previous_output(tmp_path):
    output = tmp_path / "values.json"
    write_text_atomic(output, "{}\n")
    with pytest.raises(KeyboardInterrupt), atomic_output(output) as partial:
        partial.write_text('{"half":')
        raise KeyboardInterrupt
    assert output.read_text() == "{}\n"
    assert sorted(tmp_path.iterdir()) == [output]


def test_a_finished_write_replaces_the_output_with_lf_line_endings(tmp_path):
    output = tmp_path / "new" / "report.txt"
    write_text_atomic(output, "first\n")
    write_text_atomic(output, "second\nline\n")
    assert output.read_bytes() == b"second\nline\n"
    assert sorted(output.parent.iterdir()) == [output]
