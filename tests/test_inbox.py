import io
import os
import re
import zipfile
from datetime import datetime

import pytest
import xlsxwriter

from xltools.collect.inbox import Limits, scan
from xltools.core.problems import ERROR, WARNING


def workbook_bytes(
    values=(("编号", "完成状态"), ("2-1", "已完成")), modified=None, props=None
) -> bytes:
    """An xlsx as a unit's spreadsheet app saves it."""
    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(buffer, {"in_memory": True})
    if modified:
        wb.set_properties({"modified": modified, "created": modified})
    for name, value in (props or {}).items():
        wb.set_custom_property(name, value, "text")
    ws = wb.add_worksheet("填报表")
    for r, row in enumerate(values):
        for c, value in enumerate(row):
            ws.write(r, c, value)
    wb.close()
    return buffer.getvalue()


def zip_bytes(members: dict[str, bytes], *, compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buffer.getvalue()


def rows(inbox):
    return [(p.file, p.code, p.severity) for p in inbox.problems]


def test_finds_workbooks_at_any_depth_and_in_zips_without_extracting(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "市发改委.xlsx").write_bytes(workbook_bytes())
    (tmp_path / "返回.zip").write_bytes(
        zip_bytes({"市经信局.xlsx": workbook_bytes(), "sub/市商务局.xlsx": workbook_bytes()})
    )
    before = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*"))
    inbox = scan(tmp_path)
    assert [f.name for f in inbox.files] == [
        "a/b/市发改委.xlsx",
        "返回.zip/sub/市商务局.xlsx",
        "返回.zip/市经信局.xlsx",
    ]
    assert inbox.problems == []
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == before
    first = inbox.files[0]
    assert first.kind == "xlsx" and first.file_name == "市发改委.xlsx"
    assert first.sheets["填报表"] == [["编号", "完成状态"], ["2-1", "已完成"]]
    assert len(first.sha256) == 64


def test_saved_time_from_core_properties_else_mtime(tmp_path):
    (tmp_path / "x.xlsx").write_bytes(workbook_bytes(modified=datetime(2023, 4, 18, 9, 30)))
    inbox = scan(tmp_path)
    assert inbox.files[0].saved == datetime(2023, 4, 18, 17, 30)  # core.xml is UTC; shown UTC+8


@pytest.mark.libreoffice
def test_xls_is_read_and_timed_by_its_own_saved_time(tmp_path):
    from xltools.collect.inbox import OFFICE_TZ
    from xltools.core.office import convert

    source = tmp_path / "src" / "市发改委.xlsx"
    source.parent.mkdir()
    source.write_bytes(workbook_bytes())
    inbox_dir = tmp_path / "inbox"
    convert(source, "xls", inbox_dir)
    # The office copied it later: the newest file of a unit is the one saved last, not copied last.
    os.utime(inbox_dir / "市发改委.xls", (1681810200, 1681810200))
    inbox = scan(inbox_dir)
    assert inbox.problems == [] and inbox.files[0].kind == "xls"
    now = datetime.now(OFFICE_TZ).replace(tzinfo=None)
    assert abs((inbox.files[0].saved - now).total_seconds()) < 600  # LibreOffice's save, just now
    assert inbox.files[0].sheets["填报表"] == [["编号", "完成状态"], ["2-1", "已完成"]]


def test_lock_files_and_hidden_files_are_skipped(tmp_path):
    (tmp_path / "~$市发改委.xlsx").write_bytes(b"\x00" * 165)
    (tmp_path / ".DS_Store").write_bytes(b"junk")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "x.xlsx").write_bytes(workbook_bytes())
    inbox = scan(tmp_path)
    assert inbox.files == [] and inbox.problems == []
    assert inbox.skipped == [".DS_Store", ".hidden/x.xlsx", "~$市发改委.xlsx"]


def test_bad_files_become_problems_and_the_batch_goes_on(tmp_path):
    (tmp_path / "empty.xlsx").write_bytes(b"")
    (tmp_path / "cut.xlsx").write_bytes(workbook_bytes()[:700])
    (tmp_path / "renamed.xlsx").write_bytes("这是一个文本文件".encode())
    (tmp_path / "note.pdf").write_bytes(b"%PDF-1.4")
    cfb = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500
    (tmp_path / "locked.xlsx").write_bytes(
        cfb + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 100
    )
    (tmp_path / "good.xlsx").write_bytes(workbook_bytes())
    inbox = scan(tmp_path)
    assert [f.name for f in inbox.files] == ["good.xlsx"]
    assert rows(inbox) == [
        ("cut.xlsx", "damaged-file", ERROR),
        ("empty.xlsx", "empty-file", ERROR),
        ("locked.xlsx", "password-protected", ERROR),
        ("note.pdf", "not-a-spreadsheet", WARNING),
        ("renamed.xlsx", "not-a-spreadsheet", ERROR),
    ]
    assert all(p.message for p in inbox.problems)


def test_a_workbook_without_any_value_is_empty(tmp_path):
    (tmp_path / "blank.xlsx").write_bytes(workbook_bytes(values=()))
    assert rows(scan(tmp_path)) == [("blank.xlsx", "empty-file", ERROR)]


def test_unsafe_archives_are_refused(tmp_path):
    (tmp_path / "many.zip").write_bytes(zip_bytes({f"{i}.xlsx": b"x" for i in range(6)}))
    (tmp_path / "escape.zip").write_bytes(zip_bytes({"../../evil.xlsx": workbook_bytes()}))
    (tmp_path / "absolute.zip").write_bytes(zip_bytes({"/etc/evil.xlsx": workbook_bytes()}))
    (tmp_path / "bomb.zip").write_bytes(zip_bytes({"a.xlsx": b"\x00" * (3 * 2**20)}))
    (tmp_path / "big.zip").write_bytes(
        zip_bytes({"a.xlsx": b"\x00" * 5000}, compression=zipfile.ZIP_STORED)
    )
    (tmp_path / "nested.zip").write_bytes(zip_bytes({"inner.zip": zip_bytes({"a.xlsx": b"x"})}))
    inbox = scan(tmp_path, limits=Limits(members=5, expanded=4 * 2**20, ratio=100))
    assert rows(inbox) == [
        ("absolute.zip", "archive-unsafe-path", ERROR),
        ("big.zip/a.xlsx", "empty-file", ERROR),
        ("bomb.zip", "archive-too-large", ERROR),
        ("escape.zip", "archive-unsafe-path", ERROR),
        ("many.zip", "archive-too-many-files", ERROR),
        ("nested.zip/inner.zip", "nested-archive", ERROR),
    ]
    assert [f.name for f in inbox.files] == []
    # With a smaller budget big.zip is refused for its declared size.
    inbox = scan(tmp_path, limits=Limits(members=10, expanded=4000, ratio=100))
    assert ("big.zip", "archive-too-large", ERROR) in rows(inbox)


def test_an_archive_lying_about_its_size_is_stopped(tmp_path):
    data = bytearray(zip_bytes({"a.xlsx": b"\x00" * 100_000}))
    # Patch the declared (uncompressed) size in the central directory to 10 bytes.
    central = data.rfind(b"PK\x01\x02")
    data[central + 24 : central + 28] = (10).to_bytes(4, "little")
    local = data.find(b"PK\x03\x04")
    data[local + 22 : local + 26] = (10).to_bytes(4, "little")
    (tmp_path / "liar.zip").write_bytes(bytes(data))
    inbox = scan(tmp_path)
    assert [p.code for p in inbox.problems] in (["archive-too-large"], ["damaged-file"])
    assert inbox.files == []


def test_gbk_member_names_from_windows_zips(tmp_path):
    # Windows' built-in zip writes GBK names without the UTF-8 flag: fake it by patching bytes.
    gbk = "市发改委.xlsx".encode("gbk")
    placeholder = b"a" * (len(gbk) - 5) + b".xlsx"
    data = zip_bytes({placeholder.decode(): workbook_bytes()}).replace(placeholder, gbk)
    (tmp_path / "w.zip").write_bytes(data)
    assert [f.name for f in scan(tmp_path).files] == ["w.zip/市发改委.xlsx"]


def test_xml_entity_attacks_are_refused(tmp_path):
    good = workbook_bytes()
    source = zipfile.ZipFile(io.BytesIO(good))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/sharedStrings.xml":
                bomb = (
                    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                    b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
                )
                data = data.replace(
                    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>', bomb
                )
                assert b"<!ENTITY" in data
            zf.writestr(info, data)
    (tmp_path / "attack.xlsx").write_bytes(buffer.getvalue())
    assert rows(scan(tmp_path)) == [("attack.xlsx", "xml-attack", ERROR)]


def test_custom_properties_are_read(tmp_path):
    (tmp_path / "p.xlsx").write_bytes(workbook_bytes(props={"xltools.unit": "市发改委"}))
    assert scan(tmp_path).files[0].properties == {"xltools.unit": "市发改委"}


def test_progress_is_reported(tmp_path):
    (tmp_path / "a.xlsx").write_bytes(workbook_bytes())
    (tmp_path / "b.xlsx").write_bytes(workbook_bytes())
    seen = []
    scan(tmp_path, progress=lambda i, n, name: seen.append((i, n, name)))
    assert seen == [(1, 2, "a.xlsx"), (2, 2, "b.xlsx")]


def encrypted_ods_bytes() -> bytes:
    """An .ods whose parts are encrypted, as LibreOffice saves one with an open password."""
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest='
        '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry '
        'manifest:full-path="content.xml" manifest:media-type="text/xml">'
        '<manifest:encryption-data manifest:checksum-type="SHA1/1K" manifest:checksum="x"/>'
        "</manifest:file-entry></manifest:manifest>"
    )
    return zip_bytes(
        {
            "mimetype": b"application/vnd.oasis.opendocument.spreadsheet",
            "META-INF/manifest.xml": manifest.encode(),
            "content.xml": b"\x8f\x12\x00encrypted",
        }
    )


def test_a_password_protected_ods_is_not_called_damaged(tmp_path):
    # Read from bytes, calamine only says "Cannot detect file format" for it.
    (tmp_path / "市水务局.ods").write_bytes(encrypted_ods_bytes())
    (tmp_path / "市教育局.zip").write_bytes(zip_bytes({"市教育局.ods": encrypted_ods_bytes()}))
    inbox = scan(tmp_path)
    assert rows(inbox) == [
        ("市教育局.zip/市教育局.ods", "password-protected", ERROR),
        ("市水务局.ods", "password-protected", ERROR),
    ]
    assert "密码" in inbox.problems[0].message


def test_damaged_file_messages_have_no_english_from_the_reader(tmp_path):
    # A unit reads these: calamine's or zipfile's English ("File is not a zip file") tells it nothing.
    (tmp_path / "坏文件.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x01" * 600)
    (tmp_path / "截断.xlsx").write_bytes(workbook_bytes()[:700])
    (tmp_path / "坏压缩包.zip").write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    problems = scan(tmp_path).problems
    assert sorted(p.file for p in problems) == [
        "坏压缩包.zip",
        "坏文件.xls",
        "截断.xlsx",
    ]
    for problem in problems:
        assert problem.code == "damaged-file"
        # Only the file name and the extension to save as are in Latin letters.
        text = problem.message.replace(problem.file, "").replace(".xlsx", "")
        assert not re.search(r"[A-Za-z]", text), problem.message


@pytest.mark.libreoffice
def test_password_protected_xls_and_ods_saved_by_libreoffice(tmp_path):
    from .uno_fill import fill_in_libreoffice

    source = tmp_path / "source.xlsx"
    source.write_bytes(workbook_bytes())
    inbox_dir = tmp_path / "inbox"
    inbox_dir.mkdir()
    outputs = [inbox_dir / "市城建局.xls", inbox_dir / "市城投公司.ods"]
    fill_in_libreoffice(
        [{"source": source, "outputs": outputs, "password": "abc"}], tmp_path / "lo"
    )
    assert rows(scan(inbox_dir)) == [
        ("市城建局.xls", "password-protected", ERROR),
        ("市城投公司.ods", "password-protected", ERROR),
    ]


def corrupt_member(data: bytes, name: str) -> bytes:
    """The zip with the first bytes of the member's deflated data overwritten (a bad transfer)."""
    data = bytearray(data)
    header = data.find(b"PK\x03\x04")
    while True:
        length = int.from_bytes(data[header + 26 : header + 28], "little")
        extra = int.from_bytes(data[header + 28 : header + 30], "little")
        if data[header + 30 : header + 30 + length].decode() == name:
            start = header + 30 + length + extra
            data[start : start + 40] = b"\xff" * 40
            return bytes(data)
        header = data.find(b"PK\x03\x04", header + 4)


def test_corrupt_compressed_data_is_a_damaged_file_not_a_crash(tmp_path):
    # zlib.error ("invalid block type") is none of zipfile's own exceptions.
    (tmp_path / "市教育局.zip").write_bytes(
        corrupt_member(zip_bytes({"市教育局.xlsx": workbook_bytes()}), "市教育局.xlsx")
    )
    (tmp_path / "市民政局.xlsx").write_bytes(corrupt_member(workbook_bytes(), "xl/workbook.xml"))
    (tmp_path / "good.xlsx").write_bytes(workbook_bytes())
    inbox = scan(tmp_path)
    assert [f.name for f in inbox.files] == ["good.xlsx"]
    assert rows(inbox) == [
        ("市教育局.zip/市教育局.xlsx", "damaged-file", ERROR),
        ("市民政局.xlsx", "damaged-file", ERROR),
    ]


def test_a_word_file_renamed_xlsx_is_not_a_spreadsheet_rather_than_damaged(tmp_path):
    import docx

    document = io.BytesIO()
    docx.Document().save(document)
    (tmp_path / "市民宗委.xlsx").write_bytes(document.getvalue())
    odt = {"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"}
    (tmp_path / "市残联.ods").write_bytes(zip_bytes(odt))
    (tmp_path / "good.xlsx").write_bytes(workbook_bytes())
    inbox = scan(tmp_path)
    assert [f.name for f in inbox.files] == ["good.xlsx"]
    assert rows(inbox) == [
        ("市残联.ods", "not-a-spreadsheet", ERROR),
        ("市民宗委.xlsx", "not-a-spreadsheet", ERROR),
    ]
    assert "改了扩展名" in inbox.problems[0].message
