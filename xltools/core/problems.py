"""Problems found in data (a plan, a master list, a unit's workbook), returned as records."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

ERROR = "错误"
WARNING = "警告"


@dataclass(frozen=True)
class Code:
    """A registered problem code: its usual severity and what it means, in one line."""

    code: str
    severity: str  # as usually raised; a site may lower it (see ARCHITECTURE.md)
    meaning: str


def _codes(*entries: tuple[str, str, str]) -> dict[str, Code]:
    return {code: Code(code, severity, meaning) for code, severity, meaning in entries}


# Every code a Problem may carry; README.md lists exactly these (a test checks). To add one, add a
# line here and name it in README.md where its stage lists its codes.
CODES: dict[str, Code] = _codes(
    # plan: importing a published plan (xltools import / init)
    ("line-not-imported", WARNING, "a line looks like a task but names no owner, so it was not imported"),
    ("task-without-label", WARNING, "a line names owners but has no task number, so it was not imported"),
    ("task-without-owners", WARNING, "a task names neither a lead nor a responsible unit"),
    ("unclear-owners", WARNING, "a piece of a task's owner note could not be read as units"),
    ("unknown-owner-note", WARNING, "a 〈〉 note after a unit name is neither a host nor a definition"),
    ("duplicate-task-number", WARNING, "two tasks got the same 编号; the later one was renumbered"),
    ("sheet-chosen", WARNING, "a plan workbook has several sheets; the one read is named"),
    # master: xltools check (and the import's warnings)
    ("missing-id", ERROR, "a row of 任务清单 has no 编号"),
    ("duplicate-id", ERROR, "two rows of 任务清单 have the same 编号"),
    ("id-is-date", ERROR, "Excel turned a typed 编号 (2-1) into a date"),
    ("empty-text", ERROR, "a row of 任务清单 has no 任务内容"),
    ("no-owner", ERROR, "a task has neither 牵头单位 nor 责任单位"),
    ("unknown-unit", ERROR, "a task names a unit 单位名录 lacks, or a file is of a unit not sent to"),
    ("undefined-group", ERROR, "a group word has no members in 单位名录 (a warning at import)"),
    ("duplicate-unit", ERROR, "a unit name or alias is listed twice in 单位名录"),
    ("empty-unit-name", ERROR, "a row of 单位名录 has no 单位名称"),
    ("unknown-host", ERROR, "a 承办单位 is not a unit of 单位名录"),
    ("host-cycle", ERROR, "承办单位 of 单位名录 lead round in a cycle, so nobody receives the workbook"),
    ("near-duplicate", WARNING, "two unit names look like the same unit"),
    ("unknown-task", ERROR, "a row of 指标 names a 编号 that 任务清单 lacks"),
    ("target-not-number", ERROR, "a 目标值 of 指标 is not a number"),
    ("bad-target-kind", ERROR, "a 类型 of 指标 is neither 累计 nor 水平"),
    ("bad-closed-date", ERROR, "a 销号日期 of 任务清单 is not a date"),
    ("closed-without-basis", WARNING, "a task has a 销号日期 but no 销号依据"),
    ("basis-without-closed-date", WARNING, "a task has a 销号依据 but no 销号日期 (still open)"),
    ("unreadable-deadline", WARNING, "a 完成时限 of 任务清单 cannot be read as a date"),
    # collect: typed values
    ("missing-value", ERROR, "a required cell is empty"),
    ("not-in-list", ERROR, "a choice cell holds a value its list does not offer"),
    ("not-a-number", ERROR, "a number cell holds something that is not a number"),
    ("not-an-integer", ERROR, "an integer cell holds a fraction"),
    ("out-of-range", ERROR, "a number is outside its field's range"),
    ("ambiguous-percent", WARNING, "a percentage could be read two ways (0.5: half or 0.5 %)"),
    ("not-a-date", ERROR, "a date cell holds something that is not a date"),
    ("text-too-long", ERROR, "a text is longer than its field allows"),
    ("not-a-phone", WARNING, "a phone cell does not look like a phone number"),
    ("not-a-person", WARNING, "a person's name cell does not look like a name"),
    ("contradiction", WARNING, "two answers of a row contradict each other (已完成 at 30 %)"),
    # collect: the workbook's layout
    ("locked-cell-changed", WARNING, "a locked cell (task text, target phrase) was edited"),
    ("task-row-missing", ERROR, "a task row sent to the unit is missing"),
    ("task-row-extra", WARNING, "a row names a task that was not sent to the unit"),
    ("task-row-duplicated", ERROR, "a task row appears twice"),
    ("target-row-extra", WARNING, "a row of 指标 names a target not sent to the unit"),
    ("target-row-duplicated", ERROR, "a row of 指标 appears twice"),
    ("rows-reordered", WARNING, "the task rows were re-sorted"),
    ("column-missing", ERROR, "a column of the form was deleted"),
    ("column-added", WARNING, "a column the form does not have was inserted"),
    ("columns-moved", WARNING, "the form's columns were moved"),
    ("sheet-missing", ERROR, "a sheet of the form is missing"),
    ("sheet-renamed", WARNING, "a sheet of the form was renamed"),
    ("formula-value", WARNING, "an answer is a formula; its result was taken"),
    ("formula-error", ERROR, "an answer cell holds an error value (#NAME? from a leading =)"),
    ("merged-cells", WARNING, "cells were merged; only the top-left value is read"),
    # collect: whose file it is
    ("no-identity", WARNING, "a file without the embedded identity, matched by its file name"),
    ("unknown-file", ERROR, "a file neither its identity nor its name ties to a unit"),
    ("other-unit", ERROR, "a file named for one unit holds another unit's workbook"),
    ("other-round", ERROR, "a file is another round's workbook"),
    ("other-workspace", ERROR, "a file was sent by another workspace"),
    ("old-form-version", ERROR, "a file is an older version of the round's form"),
    # collect: reading the inbox
    ("damaged-file", ERROR, "a file or archive cannot be read"),
    ("password-protected", ERROR, "a file is encrypted with a password"),
    ("empty-file", ERROR, "a file is empty or holds no content"),
    ("not-a-spreadsheet", ERROR, "a file is not a workbook (a warning for other file types)"),
    ("nested-archive", ERROR, "an archive inside an archive"),
    ("archive-too-many-files", ERROR, "an archive holds more files than allowed"),
    ("archive-too-large", ERROR, "an archive or a file in it unpacks larger than allowed"),
    ("archive-unsafe-path", ERROR, "an archive member's path leaves the archive"),
    ("xml-attack", ERROR, "a workbook's XML declares entities (a possible XML bomb)"),
    ("file-too-large", ERROR, "a file (or a workbook in an archive) is larger than the size cap"),
    ("file-too-complex", ERROR, "reading a file needs more memory than a worker may use, or a sheet declares a used range far beyond any form"),
    ("read-timeout", ERROR, "reading and checking a file took longer than its time limit"),
    # collect: text read from a file
    ("text-changed", WARNING, "control characters in a cell were replaced so it can be written (a vertical tab became a line break)"),
    ("text-truncated", WARNING, "a cell's text has Excel's maximum length of 32,767 characters, probably cut"),
    ("stray-rows", WARNING, "many rows below or beside a form that are not its tasks, summarised in one problem"),
)  # fmt: skip


@dataclass(frozen=True)
class Problem:
    """One problem: a stable kebab-case code, a severity, where it is, and what to do in Chinese."""

    code: str
    severity: str
    message: str
    unit: str = ""
    file: str = ""
    sheet: str = ""
    cell: str = ""
    task: str = ""
    field: str = ""
    value: str = ""
    line: int = 0

    def __post_init__(self) -> None:
        # Every code is registered in CODES (README.md lists them); a new one starts there.
        if self.code not in CODES:
            raise ValueError(f"problem code {self.code!r} is not registered in core.problems.CODES")
        if self.severity not in (ERROR, WARNING):
            raise ValueError(f"problem severity {self.severity!r} is neither {ERROR} nor {WARNING}")

    def as_dict(self) -> dict:
        return asdict(self)


def new_problem(code: str, message: str, severity: str | None = None, **where) -> Problem:
    """A problem with a registered code, at the code's usual severity unless ``severity`` says."""
    if code not in CODES:  # checked here too, for a message naming the factory's caller's code
        raise ValueError(f"problem code {code!r} is not registered in core.problems.CODES")
    return Problem(code, severity or CODES[code].severity, message, **where)


@dataclass
class Report:
    """The problems of one run; valid when no problem is an error."""

    problems: list[Problem] = field(default_factory=list)

    def add(self, code: str, severity: str, message: str, **where) -> Problem:
        found = new_problem(code, message, severity, **where)
        self.problems.append(found)
        return found

    def error(self, code: str, message: str, **where) -> Problem:
        return self.add(code, ERROR, message, **where)

    def warning(self, code: str, message: str, **where) -> Problem:
        return self.add(code, WARNING, message, **where)

    def extend(self, problems) -> None:
        self.problems.extend(problems)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == WARNING]

    @property
    def valid(self) -> bool:
        return not self.errors

    def rows(self, *names: str) -> list[tuple]:
        """Flat tuples for tests and tables: ``report.rows("unit", "cell", "code")``."""
        names = names or ("unit", "cell", "code")
        return [tuple(getattr(p, n) for n in names) for p in self.problems]
