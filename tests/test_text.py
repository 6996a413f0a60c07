"""Display width and wrapping in terminal columns (`core.text`), for the command line's help."""

import click
import pytest

from xltools.core.text import display_width, fill_paragraphs, wrap


def widths(lines):
    return [display_width(line) for line in lines]


def test_a_chinese_character_takes_two_columns():
    assert display_width("abc") == 3
    assert display_width("任务清单") == 8
    assert display_width("收集报回的 Excel，汇总") == 5 * 2 + 1 + 5 + 2 + 2 * 2
    assert display_width("（完成时限）") == 12  # full-width punctuation is wide too
    assert display_width("ＡＢ１") == 6  # so are full-width letters and digits
    assert display_width("“……”") == 4  # ambiguous width: one column, as most terminals draw it
    assert display_width("") == 0


def test_chinese_breaks_between_any_two_characters_and_fills_the_width():
    lines = wrap("督查室每年把印发的分解方案导入一个工作区", 12)
    assert lines == ["督查室每年把", "印发的分解方", "案导入一个工", "作区"]


def test_a_line_exactly_as_wide_as_the_limit_is_kept_whole():
    assert wrap("一二三四", 8) == ["一二三四"]
    assert wrap("一二三四", 7) == ["一二三", "四"]
    assert wrap("一二三四", 10, "  ", "  ") == ["  一二三四"]
    assert wrap("一二三四", 9, "  ", "  ") == ["  一二三", "  四"]
    assert wrap("abcd 一二", 9) == ["abcd 一二"]


def test_a_wide_character_is_not_cut_by_the_last_column():
    # 7 columns: "a一二三" is 7, the fourth character would end in column 9.
    assert wrap("a一二三四五", 8) == ["a一二三", "四五"]
    assert all(w <= 8 for w in widths(wrap("a一二三四五六七八九", 8)))
    # A line one column wide still takes a wide character per line (and ends).
    assert wrap("一二", 1) == ["一", "二"]


def test_mixed_chinese_and_english_break_at_spaces_and_between_chinese_characters():
    text = "收集报回的 Excel 文件，按表头识别 columns 并生成汇总"
    lines = wrap(text, 16)
    assert lines == ["收集报回的 Excel", "文件，按表头识别", "columns 并生成汇", "总"]
    assert all(w <= 16 for w in widths(lines))
    # An English word is never cut while it fits on a line, even against Chinese text.
    assert wrap("生成Excel工作簿", 8) == ["生成", "Excel工", "作簿"]


def test_a_closing_mark_never_starts_a_line_nor_an_opening_mark_ends_one():
    assert wrap("一二三四，五六", 8) == ["一二三", "四，五六"]
    assert wrap("一二三（四五）六", 8) == ["一二三", "（四五）", "六"]
    assert wrap("一二三四。」", 10) == ["一二三", "四。」"]  # two closing marks in a row
    assert wrap("一二三“四五”", 8) == ["一二三", "“四五”"]
    for width in range(6, 30):
        for line in wrap(
            "把方案（文字、Word，或任务表）导入总表工作簿。写入“任务清单”“指标”。", width
        ):
            assert line[0] not in "，。、）”" and line[-1] not in "（“", (width, line)


def test_punctuation_written_against_chinese_stays_with_it():
    # A file name is not split at its dot or slash; Chinese inside it may still break.
    assert wrap("生成汇总数据.xlsx", 12) == ["生成汇总数", "据.xlsx"]
    assert wrap("放在 reports/轮次/", 10) == ["放在", "reports/轮", "次/"]


def test_a_long_english_word_is_cut_where_the_line_ends_as_click_cuts_it():
    text = "see averyveryverylongword here"
    assert wrap(text, 10) == ["see averyv", "eryverylon", "gword here"]
    assert "\n".join(wrap(text, 10)) == click.wrap_text(text, 10)


@pytest.mark.parametrize("width", [8, 11, 20, 33, 50, 78])
def test_english_wraps_exactly_as_click_wraps_it(width):
    text = (
        "Reads every .xlsx/.xlsm/.xls/.ods (and .zip archives of them) in sub-folders at any depth,"
        " never changing the inbox; keeps a unit's newest file, the year-end  summary's   input,"
        " and --update-contacts writes the well-known liaisons. "
        "Supercalifragilisticexpialidocious-and-more words follow."
    )
    lead = "  "
    assert "\n".join(wrap(text, width, lead, lead)) == click.wrap_text(text, width, lead, lead)
    paragraphs = f"{text}\n\n    indented {text}\n\n\b\n  keep  this\n    as written\n\nend"
    assert fill_paragraphs(paragraphs, width, lead) == click.wrap_text(
        paragraphs, width, lead, lead, preserve_paragraphs=True
    )


def test_paragraphs_keep_clicks_rules():
    text = "第一段第一行\n第一段第二行 and more\n\n  缩进的第二段\n\n\b\n示例：\n  xltools import 方案.docx"
    assert fill_paragraphs(text, 12, "  ").split("\n") == [
        "  第一段第一",
        "  行第一段第",  # a translator's line break inside Chinese text is no space
        "  二行 and",
        "  more",
        "",
        "    缩进的第",
        "    二段",
        "",
        "  示例：",
        "    xltools import 方案.docx",  # after \b: not rewrapped, only indented
    ]


def test_a_line_may_break_before_an_opening_mark_and_after_a_closing_one():
    # Quotation marks are narrow (ambiguous width) but still open or close.
    assert wrap("写入“任务清单”“指标”", 12) == ["写入“任务清", "单”“指标”"]
    assert wrap("写入“任务清单”“指标”", 10) == ["写入“任务", "清单”“指", "标”"]
    assert wrap("写入“任务清单”“指标”", 6) == ["写入", "“任务", "清单”", "“指标”"]
    assert wrap("不指定(explicit)或第一个", 16) == ["不指定(explicit)", "或第一个"]
