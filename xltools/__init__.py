"""xltools: distribute a task list to units, collect their Excel returns, and report progress."""

__version__ = "0.1.0"

from xltools.errors import XltoolsError  # noqa: E402
from xltools.model import Master, Target, Task, Unit  # noqa: E402
from xltools.problems import Problem, Report  # noqa: E402

__all__ = ["Master", "Problem", "Report", "Target", "Task", "Unit", "XltoolsError", "__version__"]
