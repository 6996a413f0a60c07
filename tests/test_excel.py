import xlsxwriter
from openpyxl import load_workbook

from xltools.core.excel import ONE_LINE, file_name, row_height, sheet_title, text_width, write_table


def test_sheet_titles_are_valid():
    assert sheet_title("问题:清单/2023[1]") == "问题_清单_2023_1_"
    assert len(sheet_title("长" * 40)) == 31
    assert sheet_title("  ") == "Sheet"


def test_file_names_are_safe_on_windows():
    assert file_name("2023Q1_市发改委") == "2023Q1_市发改委.xlsx"
    assert file_name('a<b>:"c"/d\\e|f?g*') == "a_b___c__d_e_f_g_.xlsx"
    assert file_name("CON") == "_CON.xlsx"
    assert file_name("名称. ") == "名称.xlsx"


def test_text_width_counts_chinese_double():
    assert text_width("ab") == 2 and text_width("市发改委") == 8 and text_width("5G基站") == 6


def test_row_height_fits_the_longest_wrapped_cell():
    assert row_height(["短", 12, None], [10, 5, 5]) == ONE_LINE
    # 40 Chinese characters are 80 units: 5 lines in a column 20 wide (18 units of room)
    assert row_height(["长" * 40, "短"], [20, 10]) == 5 * 14 + 4
    assert row_height(["一\n二\n三"], [30]) == 3 * 14 + 4  # line breaks count even in short text
    assert row_height(["长" * 10_000], [10]) == 409  # Excel's largest row height


def test_write_table_sizes_rows_to_their_text(tmp_path):
    path = tmp_path / "t.xlsx"
    message = (
        "“完成状态”只能从下拉列表中选择(已完成、超序时进度、序时推进、滞后、未启动),请重新选择"
    )
    with xlsxwriter.Workbook(path, {"constant_memory": True}) as wb:
        write_table(
            wb,
            "问题清单",
            ["代码", "说明"],
            [["not-in-list", message], ["x", "短"]],
            widths=[12, 30],
        )
    ws = load_workbook(path)["问题清单"]
    assert ws.row_dimensions[2].height == row_height(["not-in-list", message], [12, 30]) > ONE_LINE
    assert ws.row_dimensions[3].height is None  # one line: left to the application
    assert ws.column_dimensions["B"].width > 29
