import pytest
import xlsxwriter

from xltools.core.office import convert


@pytest.mark.libreoffice
def test_convert_takes_paths_given_as_text(tmp_path):
    # convert("退回修改/市水务局.xlsx", "pdf", "out") failed with "'str' object has no attribute 'mkdir'".
    source = tmp_path / "市水务局.xlsx"
    wb = xlsxwriter.Workbook(source)
    wb.add_worksheet("填报表").write(0, 0, "编号")
    wb.close()
    target = convert(str(source), "pdf", str(tmp_path / "out"))
    assert target == tmp_path / "out" / "市水务局.pdf"
    assert target.read_bytes().startswith(b"%PDF")
