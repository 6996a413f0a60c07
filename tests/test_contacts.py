"""master.contacts: the liaisons units reported, written into 单位名录."""

from xltools.core.model import Master, Unit
from xltools.master.contacts import update_contacts
from xltools.master.workbook import read_master, write_master


def test_reported_liaisons_are_written_with_a_copy_kept_and_a_rerun_changes_nothing(tmp_path):
    path = write_master(
        Master(units=[Unit("市发改委", contact="旧人"), Unit("市经信局")]), tmp_path / "master.xlsx"
    )
    reported = {
        "市发改委": {"liaison": "王芳", "mobile": "13800000000"},
        "市经信局": {"office_phone": "027-85000000"},
        "市不存在局": {"liaison": "李强"},
    }
    backup = update_contacts(path, reported)
    assert backup is not None and backup.exists() and backup != path
    units = {u.name: u for u in read_master(path).units}
    assert (units["市发改委"].contact, units["市发改委"].phone) == ("王芳", "13800000000")
    assert (units["市经信局"].contact, units["市经信局"].phone) == ("", "027-85000000")
    assert {u.name: u.contact for u in read_master(backup).units}["市发改委"] == "旧人"
    assert update_contacts(path, reported) is None
    assert update_contacts(path, {"市发改委": {"other": "x"}}) is None
