"""The contracts between the stages, spelled once: workbook and sheet names, their headers, and the
words written in them (ARCHITECTURE.md describes each). A stage reads and writes these names;
it never spells them itself.

Plain constants only. Headers are found by name in what users edit, so the names are the
contract, not the column positions.
"""

from __future__ import annotations

# The master workbook (master.xlsx): 任务清单, 单位名录, 指标 and an unread 说明.
MASTER_FILE = "master.xlsx"
TASK_SHEET = "任务清单"
UNIT_SHEET = "单位名录"
TARGET_SHEET = "指标"
NOTES_SHEET = "说明"

# 任务清单's headers.
ID = "编号"
SECTION = "板块"
DIRECTION = "方向"
CATEGORY = "类别"
LABEL = "序号"
TEXT = "任务内容"
LEAD_UNITS = "牵头单位"
RESPONSIBLE_UNITS = "责任单位"
NOTE = "备注"
CLOSED_DATE = "销号日期"  # the day the office closed (销号) the task; empty while it is open
CLOSED_BASIS = "销号依据"  # why: the acceptance, the leader's instruction
TASK_HEADERS = (
    ID,
    SECTION,
    DIRECTION,
    CATEGORY,
    LABEL,
    TEXT,
    LEAD_UNITS,
    RESPONSIBLE_UNITS,
    NOTE,
    CLOSED_DATE,
    CLOSED_BASIS,
)
TASK_REQUIRED = (ID, TEXT, LEAD_UNITS, RESPONSIBLE_UNITS)
# Extra columns of 任务清单 (Task.extra) that later stages know by name: kept as written.
DEADLINE = "完成时限"  # read as a date where it can be (plan.deadlines)
LEADER = "责任领导"  # the summary groups tasks by it

# 单位名录's headers.
UNIT_NAME = "单位名称"
ALIASES = "别名"
GROUPS = "所属分组"
HOST = "承办单位"
CONTACT = "督办联系人"
PHONE = "联系电话"
EMAIL = "邮箱"
UNIT_HEADERS = (UNIT_NAME, ALIASES, GROUPS, HOST, CONTACT, PHONE, EMAIL)

# 指标's headers and the kinds of target.
PHRASE = "指标"
TARGET_VALUE = "目标值"
MEASURE = "计量单位"
KIND = "类型"
COMPARISON = "比较"
TARGET_HEADERS = (ID, PHRASE, TARGET_VALUE, MEASURE, KIND, COMPARISON)
TARGET_REQUIRED = (ID, PHRASE, TARGET_VALUE, MEASURE, KIND)
CUMULATIVE = "累计"  # counts built up over the year, compared with 序时进度
LEVEL = "水平"  # rates and levels, compared as they stand
KINDS = (CUMULATIVE, LEVEL)

# The workbook each unit receives (distribute writes it, collect reads it back).
FORM_INFO_SHEET = "填报说明"
FORM_TASK_SHEET = "填报表"
FORM_TARGET_SHEET = "指标"
FORM_UNIT_SHEET = "填报单位信息"
UNIT = "单位"  # the unit a row is for (a hosted office's rows name it)
ROLE = "角色"
ITEM = "项目"  # 填报单位信息: one line per unit-level field

FILE = "文件"
SHA256 = "sha256"
# outbox/<round>/manifest.xlsx: one line per workbook sent.
MANIFEST_FILE = "manifest.xlsx"
LEAD_COUNT = "牵头任务数"
PARTNER_COUNT = "配合任务数"
TARGET_COUNT = "指标数"
MANIFEST_HEADERS = (UNIT, FILE, LEAD_COUNT, PARTNER_COUNT, TARGET_COUNT, CONTACT, PHONE, SHA256)

# The roles of a unit in a task.
LEAD = "牵头"
PARTNER = "配合"
ROLES = (LEAD, PARTNER)

# The quarterly form's 完成状态, best first (templates/quarterly.yaml offers exactly these).
DONE = "已完成"
AHEAD = "超序时进度"
ON_SCHEDULE = "序时推进"
LAGGING = "滞后"
NOT_STARTED = "未启动"
STATUSES = (DONE, AHEAD, ON_SCHEDULE, LAGGING, NOT_STARTED)
BEHIND_STATUSES = (LAGGING, NOT_STARTED)  # these require 存在问题
ON_TRACK_STATUSES = (DONE, AHEAD, ON_SCHEDULE)

# 数据状态 of a merged row: adopted, sent back for correction, or nothing received.
ADOPTED = "已采用"
RETURNED = "退回修改"
UNREPORTED = "未报送"
DATA_STATES = (ADOPTED, RETURNED, UNREPORTED)

# What collect writes into reports/<round>/.
MERGED_FILE = "汇总数据.xlsx"
MERGED_TASK_SHEET = "任务填报"
MERGED_TARGET_SHEET = "指标"
MERGED_UNIT_SHEET = "单位信息"
STATE = "数据状态"
SAVED = "保存时间"
CUMULATIVE_VALUE = "累计完成值"
# 任务填报: these, then each task field of the form by its label, then the master's extra columns
# (完成时限, 责任领导 …), then MERGED_TAIL.
MERGED_TASK_HEADERS = (ID, SECTION, DIRECTION, CATEGORY, LABEL, TEXT, UNIT, ROLE, STATE)
MERGED_TAIL = (FILE, SHA256, SAVED)
MERGED_TARGET_HEADERS = (*TARGET_HEADERS, UNIT, CUMULATIVE_VALUE, FILE)
# 单位信息: 单位, then each unit-level field by its label, then 文件.

STATUS_FILE = "报送情况.xlsx"
STATUS_SHEET = "报送情况"
RECEIVED = "已报送"  # 报送情况's 状态: 已报送 or UNREPORTED
STATE_COLUMN = "状态"
TIMELINESS = "是否按时"
ON_TIME = "按时"
LATE = "逾期"
STATUS_HEADERS = (UNIT, STATE_COLUMN, FILE, SAVED, TIMELINESS, "错误数", "警告数", "被替代的文件")

# The leaders' summary of a quarter: reports/<round>/<title><period>落实情况汇总.xlsx.
SUMMARY_FILE_END = "落实情况汇总.xlsx"

PROBLEMS_FILE = "问题清单.xlsx"
PROBLEMS_SHEET = "问题清单"
# The Chinese columns a clerk reads first; the code (README lists them) last.
PROBLEM_HEADERS = ("严重程度", UNIT, FILE, "工作表", "单元格", "任务", "字段", "值", "说明", "代码")

RETURN_FOLDER = "退回修改"  # reports/<round>/退回修改/<unit>.xlsx: a unit's workbook sent back
RETURN_SHEET = "问题"  # the sheet listing the problems in a workbook sent back
# Everything collect writes into reports/<round>/. The rest there (the summary, the 通报 an office
# edited in Word, PDFs, a clerk's own files) was made from an earlier collect's data: the next
# collect moves it into 旧版/<date time>/ (EARLIER_FOLDER), where earlier such folders stay.
COLLECT_OUTPUTS = (MERGED_FILE, PROBLEMS_FILE, STATUS_FILE, RETURN_FOLDER)
EARLIER_FOLDER = "旧版"

# outbox/<round>/留底/master.xlsx: the master as the round was distributed (what `xltools diff`
# compares the current master with); a sub-folder, apart from the workbooks mailed to units.
KEPT_FOLDER = "留底"
KEPT_MASTER = MASTER_FILE
