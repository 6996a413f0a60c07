"""Problems found in data (a plan, a master list, a unit's workbook), returned as records."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

ERROR = "错误"
WARNING = "警告"


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

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class Report:
    """The problems of one run; valid when no problem is an error."""

    problems: list[Problem] = field(default_factory=list)

    def add(self, code: str, severity: str, message: str, **where) -> Problem:
        problem = Problem(code, severity, message, **where)
        self.problems.append(problem)
        return problem

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
