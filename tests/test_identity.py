import io
import zipfile

import pytest
import xlsxwriter

from xltools.core.excel import read_sheets
from xltools.distribute import identity as ident
from xltools.distribute.identity import (
    Identity,
    IdentityRow,
    IdentityTarget,
    embed,
    fingerprint,
    read_identity,
    read_properties,
)


def sample_identity(rows: int = 3) -> Identity:
    return Identity(
        workspace="ws-7f3a9c",
        unit="市商务局",
        round="2023Q1",
        form="quarterly",
        version=1,
        rows=tuple(
            IdentityRow(
                f"2-{i}", "市商务局" if i % 2 else "领导小组办公室", "牵头", fingerprint(f"任务{i}")
            )
            for i in range(1, rows + 1)
        ),
        targets=(IdentityTarget("2-1", "市商务局", fingerprint("新增停车泊位12万个")),),
    )


def write_book(path, identity: Identity) -> None:
    with xlsxwriter.Workbook(str(path)) as wb:
        wb.add_worksheet("填报表").write_string(0, 0, "编号")
        embed(wb, identity)


def read_back(path) -> Identity | None:
    data = path.read_bytes()
    return read_identity(read_sheets(data), read_properties(data))


def test_fingerprint_is_short_stable_and_blind_to_spacing_and_width():
    assert fingerprint("新增停车泊位12万个") == fingerprint(" 新增停车泊位１２万个\n")
    assert fingerprint("新增停车泊位12万个") != fingerprint("新增停车泊位13万个")
    assert len(fingerprint("x")) == 12


def test_round_trip_through_properties_and_sheet(tmp_path):
    identity = sample_identity(rows=60)  # long enough to need several property pieces
    path = tmp_path / "book.xlsx"
    write_book(path, identity)
    props = read_properties(path.read_bytes())
    assert props["xltools.unit"] == "市商务局"
    assert props["xltools.round"] == "2023Q1"
    assert int(props["xltools.identity.parts"]) > 1
    assert all(len(v) <= 255 for v in props.values())
    got = read_back(path)
    assert got.source == "properties"
    assert got == Identity(**{**identity.__dict__, "source": "properties"})
    sheets = read_sheets(path)
    from_sheet = read_identity(sheets, {})
    assert from_sheet.source == "sheet"
    assert from_sheet.rows == identity.rows and from_sheet.targets == identity.targets
    assert from_sheet.task_keys[1] == ("2-2", "领导小组办公室")


def test_hidden_sheet_is_very_hidden_and_protected(tmp_path):
    import openpyxl

    path = tmp_path / "book.xlsx"
    write_book(path, sample_identity())
    book = openpyxl.load_workbook(path)
    assert book.sheetnames[-1] == "_xltools"
    assert book["_xltools"].sheet_state == "veryHidden"
    assert book["_xltools"].protection.sheet
    assert book.active.title == "填报表"


def test_damaged_properties_fall_back_to_the_sheet(tmp_path):
    path = tmp_path / "book.xlsx"
    write_book(path, sample_identity())
    props = read_properties(path.read_bytes())
    props["xltools.identity.00"] = props["xltools.identity.00"][:-5]
    assert read_identity(read_sheets(path), props).source == "sheet"


def test_no_identity_anywhere(tmp_path):
    path = tmp_path / "plain.xlsx"
    with xlsxwriter.Workbook(str(path)) as wb:
        wb.add_worksheet("填报表")
    assert read_properties(path.read_bytes()) == {}
    assert read_identity(read_sheets(path), {}) is None
    assert read_identity({"_xltools": [["something else", "1"]]}, {}) is None


def test_read_properties_tolerates_what_is_not_an_xlsx():
    assert read_properties(b"\xd0\xcf\x11\xe0 an old xls") == {}
    assert read_properties(b"") == {}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("docProps/custom.xml", "<Properties><property name='a'>")
    assert read_properties(buffer.getvalue()) == {}


def test_read_properties_refuses_entity_expansion():
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        '<Properties><property name="x"><vt:lpwstr xmlns:vt="v">&b;</vt:lpwstr></property></Properties>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("docProps/custom.xml", bomb)
    assert read_properties(buffer.getvalue()) == {}


def test_sheet_numbers_from_a_resave_are_read_as_text():
    lines = ident.sheet_rows(sample_identity())
    lines[5][1] = 1.0  # "version" typed back as a number
    got = read_identity({"_xltools": lines}, {})
    assert got.version == 1


@pytest.mark.libreoffice
@pytest.mark.parametrize("fmt", ["xlsx", "xls", "ods"])
def test_identity_survives_a_libreoffice_resave(tmp_path, fmt):
    from xltools.core.office import convert

    identity = sample_identity(rows=12)
    path = tmp_path / "book.xlsx"
    write_book(path, identity)
    out = convert(path, fmt, tmp_path / "out")
    got = read_back(out)
    assert got is not None
    assert (got.workspace, got.unit, got.round, got.form, got.version) == (
        "ws-7f3a9c",
        "市商务局",
        "2023Q1",
        "quarterly",
        1,
    )
    assert got.rows == identity.rows and got.targets == identity.targets
    # Properties survive an xlsx re-save; .xls/.ods fall back to the hidden sheet.
    assert got.source == ("properties" if fmt == "xlsx" else "sheet")
    if fmt == "xlsx":
        import openpyxl

        # LibreOffice turns "very hidden" into plain "hidden"; still not shown to the unit.
        assert openpyxl.load_workbook(out)["_xltools"].sheet_state in ("hidden", "veryHidden")
