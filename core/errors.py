"""Chartroom's exception tree. Vendor exceptions are translated into these at each seam.

    ChartroomError
     ├── UserError             the person can fix it; `user_message` goes to the thread as is
     │    ├── NoFileAttached
     │    ├── UnsupportedFileType
     │    ├── FileTooLarge
     │    ├── TooManyRows / TooManyColumns
     │    ├── EmptyFile
     │    ├── UnparseableFile
     │    ├── SheetNotFound    (a sheet asked for by name or number that the workbook lacks)
     │    ├── FileTooDemanding (reading it needs more memory or time than ingest may use)
     │    ├── FileNotReadable  (Slack would not give us the file)
     │    ├── NoMatchingColumn
     │    ├── SlackPermissionMissing  (the app lacks a scope: only an admin can fix it)
     │    └── NotInChannel     (the bot must be invited first)
     ├── SlackFailed           Slack refused or failed a call for another reason
     ├── CodeRefused           the policy refused the chart code before it ran (carries reasons)
     ├── CodeFailed            the chart code raised inside the sandbox (carries the traceback)
     ├── CodeTimedOut          the chart code ran past its wall-clock or CPU limit
     ├── SandboxUnavailable    the executor itself could not run (infrastructure)
     └── RenderFailed          Kaleido/Chromium could not turn the figure into an image

Only `UserError` texts are shown verbatim. Everything else is reported to the person as an
internal failure with the request id, and logged with its traceback.
"""

from __future__ import annotations

from collections.abc import Sequence


class ChartroomError(Exception):
    """Base of every error Chartroom raises on purpose."""


class UserError(ChartroomError):
    """An error the person who asked can fix. `user_message` is Slack mrkdwn, shown as is."""

    def __init__(self, user_message: str) -> None:
        super().__init__(user_message)
        self.user_message = user_message


SUPPORTED_TYPES_TEXT = "CSV, TSV, Excel (.xlsx), JSON or Parquet"


class NoFileAttached(UserError):
    def __init__(self) -> None:
        super().__init__(
            "I need a data file to chart. Attach a "
            f"{SUPPORTED_TYPES_TEXT} file to your message (the :heavy_plus_sign: or paperclip "
            "button, or drag it into the message box), mention me in the same message and ask "
            "your question, e.g. `@Chartroom total revenue by region`."
        )


class UnsupportedFileType(UserError):
    def __init__(self, file_name: str, detected: str) -> None:
        super().__init__(
            f"I can't chart *{file_name}* ({detected}). I read {SUPPORTED_TYPES_TEXT} files; "
            "export your data to one of those and attach it again."
        )


class FileTooLarge(UserError):
    def __init__(self, file_name: str, size_bytes: int | None, limit_bytes: int) -> None:
        size = f" ({_mb(size_bytes)})" if size_bytes is not None else ""
        super().__init__(
            f"*{file_name}*{size} is over my {_mb(limit_bytes)} limit. Filter or aggregate it "
            "first, or split it into smaller files."
        )


class TooManyRows(UserError):
    def __init__(self, file_name: str, limit: int) -> None:
        super().__init__(
            f"*{file_name}* has more than {limit:,} rows, my limit. Filter it or aggregate it "
            "before sharing it with me."
        )


class TooManyColumns(UserError):
    def __init__(self, file_name: str, columns: int, limit: int) -> None:
        super().__init__(
            f"*{file_name}* has {columns:,} columns; I read at most {limit:,}. Keep the columns "
            "you want to chart and attach it again."
        )


class EmptyFile(UserError):
    def __init__(self, file_name: str) -> None:
        super().__init__(
            f"*{file_name}* has no data rows I can chart. Check that it isn't empty and that the "
            "first row holds the column names."
        )


class UnparseableFile(UserError):
    def __init__(self, file_name: str, kind: str, reason: str) -> None:
        super().__init__(
            f"I couldn't read *{file_name}* as {kind}: {reason}. Check that the file opens in a "
            "spreadsheet and attach it again."
        )


class SheetNotFound(UserError):
    def __init__(self, file_name: str, wanted: str, sheets: Sequence[str]) -> None:
        shown = ", ".join(f"“{name}”" for name in sheets[:20])
        more = f" and {len(sheets) - 20:,} more" if len(sheets) > 20 else ""
        super().__init__(
            f"*{file_name}* has no sheet {wanted}. Its sheets are: {shown}{more}. Ask again "
            "naming one of those, e.g. “use the Data sheet” or “sheet 2”."
        )
        self.sheets = list(sheets)


class FileTooDemanding(UserError):
    """Reading the file went past the ingest process's memory or time limit."""

    def __init__(self, file_name: str, what: str) -> None:
        super().__init__(
            f"I stopped reading *{file_name}*: {what}. If the file is really that big, filter "
            "or aggregate it first, or split it into smaller files; if it isn't, it may be "
            "damaged (some files are built to unpack to far more than they weigh)."
        )


class FileNotReadable(UserError):
    def __init__(self, file_name: str, reason: str) -> None:
        super().__init__(
            f"Slack wouldn't give me *{file_name}*: {reason}. If the file was shared in a "
            "private channel, invite me to it (`/invite @Chartroom`) and try again."
        )


class NoMatchingColumn(UserError):
    """The question names something the file does not have, or nothing the planner can read.

    `suggestions` are the closest columns and values ("did you mean `Miles_per_Gallon`?"), and
    `examples` two questions this file can answer.
    """

    def __init__(
        self,
        wanted: Sequence[str],
        available: Sequence[str],
        *,
        suggestions: Sequence[str] = (),
        examples: Sequence[str] = (),
    ) -> None:
        shown = ", ".join(f"`{c}`" for c in available[:40])
        more = f" and {len(available) - 40} more" if len(available) > 40 else ""
        asked = ", ".join(f"“{w}”" for w in wanted) if wanted else "your question"
        message = f"I couldn't find a column matching {asked} in this file."
        if suggestions:
            message += f" Did you mean {' or '.join(suggestions[:3])}?"
        message += f" Its columns are: {shown}{more}."
        if examples:
            message += " Try for example: " + " or ".join(f"“{e}”" for e in examples[:2]) + "."
        else:
            message += " Ask again using one of those names."
        super().__init__(message)
        self.wanted = list(wanted)
        self.available = list(available)
        self.suggestions = list(suggestions)
        self.examples = list(examples)


class SlackPermissionMissing(UserError):
    """Slack answered `missing_scope`: retrying cannot help, an admin must add the scope."""

    def __init__(self, doing: str, needed: str | None) -> None:
        scope = f"the `{needed}` permission" if needed else "a permission it needs"
        super().__init__(
            f"I couldn't {doing}: my Slack app lacks {scope}. Ask a workspace admin to add it "
            "under *OAuth & Permissions* in the app's settings and reinstall the app."
        )
        self.needed = needed


class NotInChannel(UserError):
    """Slack answered `not_in_channel` (or can't see the channel): the bot must be invited."""

    def __init__(self, doing: str) -> None:
        super().__init__(
            f"I couldn't {doing}: I'm not a member of this channel. Invite me with "
            "`/invite @Chartroom` and ask again."
        )


class SlackFailed(ChartroomError):
    """A Slack Web API call failed for a reason the person can't fix (`error` is Slack's code)."""

    def __init__(
        self, doing: str, error: str, *, retryable: bool, details: Sequence[str] = ()
    ) -> None:
        super().__init__(f"could not {doing}: {error}")
        self.error = error
        self.retryable = retryable
        self.details = list(details)  # e.g. which block Slack found invalid


class CodeRefused(ChartroomError):
    """The static policy refused chart code before any run.

    `reasons` are short sentences fit for the Slack thread, e.g. "line 3: importing `os` is not
    allowed: chart code may only import pandas, numpy, plotly and a few standard modules".
    """

    def __init__(self, reasons: Sequence[str]) -> None:
        self.reasons = list(reasons)
        super().__init__("; ".join(self.reasons))

    @property
    def user_message(self) -> str:
        shown = "\n".join(f"• {r}" for r in self.reasons[:5])
        more = f"\n• …and {len(self.reasons) - 5} more" if len(self.reasons) > 5 else ""
        return f"I refused to run the chart code, because:\n{shown}{more}"


class CodeFailed(ChartroomError):
    """The chart code raised. `detail` is the (size-capped) traceback from inside the sandbox."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class CodeTimedOut(ChartroomError):
    def __init__(self, limit_s: float) -> None:
        super().__init__(f"chart code ran past its {limit_s:g} s limit")
        self.limit_s = limit_s


class SandboxUnavailable(ChartroomError):
    """The executor could not start or talk to its child (bubblewrap missing, Docker down...)."""


class RenderFailed(ChartroomError):
    """Kaleido could not render the figure."""


def _mb(n_bytes: int) -> str:
    return f"{n_bytes / (1024 * 1024):,.1f} MB"
