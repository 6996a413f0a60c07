"""Write ``units.xlsx``, the Wuhan sample's unit directory (单位名录).

The groups follow DOMAIN.md: 各区人民政府 is the seven central districts, the five new-town
districts and five zone committees (17 units; 汉南区 is administered by 武汉经开区); 各中心城区人民政府
is the seven central districts. Hosts and aliases are the usual ones; contacts are left for the
office to fill. Run: ``python samples/wuhan-2023/make_units.py``.
"""

from __future__ import annotations

from pathlib import Path

ALL = "各区人民政府"
CENTRAL = "各中心城区人民政府"

CENTRAL_DISTRICTS = ("江岸", "江汉", "硚口", "汉阳", "武昌", "青山", "洪山")
NEW_DISTRICTS = ("东西湖", "蔡甸", "江夏", "黄陂", "新洲")
ZONES = ("东湖高新区", "武汉经开区", "临空港开发区", "长江新区", "东湖风景区")
ZONE_ALIASES = {
    "东湖高新区": ("东湖新技术开发区管委会", "光谷管委会"),
    "武汉经开区": ("武汉经济技术开发区管委会",),
    "临空港开发区": ("临空港经济技术开发区管委会",),
    "东湖风景区": ("东湖生态旅游风景区管委会",),
}
# Short form as the plan writes it -> full names offices also use.
BUREAU_ALIASES = {
    "市发改委": ("市发展改革委", "市发展和改革委员会"),
    "市经信局": ("市经济和信息化局",),
    "市人社局": ("市人力资源和社会保障局",),
    "市文旅局": ("市文化和旅游局",),
    "市卫健委": ("市卫生健康委",),
    "市自然资源规划局": ("市自然资源和规划局",),
    "市市场监管局": ("市市场监督管理局",),
    "市政府国资委": ("市国资委",),
    "市政务服务大数据局": ("市政务服务和大数据管理局",),
    "市城管执法委": ("市城市管理执法委",),
}
HOSTED = {"市建设国际消费中心城市工作领导小组办公室": "市商务局"}


def rows() -> list[tuple]:
    """The directory's rows: 单位名称, 别名, 所属分组, 承办单位, 督办联系人, 联系电话, 邮箱."""
    out = []
    for name in CENTRAL_DISTRICTS:
        out.append((f"{name}区人民政府", "", f"{ALL}、{CENTRAL}", "", "", "", ""))
    for name in NEW_DISTRICTS:
        out.append((f"{name}区人民政府", "", ALL, "", "", "", ""))
    for name in ZONES:
        aliases = "、".join(ZONE_ALIASES.get(name, ()))
        out.append((f"{name}管委会", aliases, ALL, "", "", "", ""))
    for name, aliases in BUREAU_ALIASES.items():
        out.append((name, "、".join(aliases), "", "", "", "", ""))
    for name, host in HOSTED.items():
        out.append((name, "", "", host, "", "", ""))
    return out


def main(path: Path) -> Path:
    """Write the directory workbook to ``path``."""
    import xlsxwriter

    from xltools.core.excel import write_table
    from xltools.master.units import UNIT_HEADERS, UNIT_SHEET

    with xlsxwriter.Workbook(str(path)) as wb:
        write_table(wb, UNIT_SHEET, UNIT_HEADERS, rows(), widths=(30, 36, 30, 20, 12, 16, 24))
    return path


if __name__ == "__main__":
    print(main(Path(__file__).with_name("units.xlsx")))
