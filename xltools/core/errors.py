"""The exceptions that stop a command. Problems in a unit's data are `Problem` records instead."""


class XltoolsError(Exception):
    """A failure that stops the work; the CLI prints it as ``Error: …`` and exits 1."""


class PlanError(XltoolsError):
    """A plan document cannot be read or yields nothing usable."""


class MasterError(XltoolsError):
    """The master workbook is missing, damaged or breaks its contract."""


class WorkspaceError(XltoolsError):
    """No workspace, or its ``xltools.yaml`` is wrong."""


class FormError(XltoolsError):
    """A form definition in ``templates/`` is wrong; the message lists every mistake."""


class WorkbookError(XltoolsError):
    """A workbook cannot be written or read."""


class OfficeError(XltoolsError):
    """LibreOffice is needed but missing, or it failed."""


class NoticeError(XltoolsError):
    """The 通报's Word template is missing or cannot be filled."""
