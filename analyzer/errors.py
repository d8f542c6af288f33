"""Named exceptions. The library raises them; the CLI turns each into one line and an exit code.

Exit codes by class: 2 usage, 3 input, 4 model, 5 export, 6 output/state.

Example:
    >>> str(EmptyFile("comments.csv: the file is empty; expected a header row and at least one comment"))
    'comments.csv: the file is empty; expected a header row and at least one comment'
"""

from __future__ import annotations


class AnalyzerError(Exception):
    """Base of every error the analyzer reports to a user; the message is one line."""

    exit_code = 1


class UsageError(AnalyzerError):
    """An option or argument has a value the analyzer cannot accept."""

    exit_code = 2


class InputError(AnalyzerError):
    """The input file as a whole cannot be analysed."""

    exit_code = 3


class MissingFile(InputError):
    """The input file does not exist or is not a file."""


class UnreadableFile(InputError):
    """The input file exists but cannot be opened or read (permissions, I/O errors)."""


class EmptyFile(InputError):
    """The input has no header or no data rows."""


class UnreadableEncoding(InputError):
    """The bytes cannot be decoded as text in the detected or given encoding."""


class UnsupportedFormat(InputError):
    """The file is none of the formats the analyzer reads."""


class NoTextColumn(InputError):
    """No column could be taken as the comment text."""


class UnknownColumn(InputError):
    """A column named by an option does not exist in the input."""


class InputTooLarge(InputError):
    """The input exceeds a safety limit (file size, fields, nesting)."""


class AllRowsRejected(InputError):
    """Every row of the input was rejected: nothing is left to analyse."""


class GuessedColumnRejected(InputError):
    """A guessed column caused the rejection of more than half of the rows: the guess was most likely wrong."""


class MissingColumns(AnalyzerError):
    """A stage was given a table without the columns it needs (a programming error in a caller)."""


class ModelError(AnalyzerError):
    """A model cannot be loaded, trained or applied."""

    exit_code = 4


class ExportError(AnalyzerError):
    """Issues cannot be exported to the requested target."""

    exit_code = 5


class OutputError(AnalyzerError):
    """The output folder or state store cannot be written as asked."""

    exit_code = 6


class OutputExists(OutputError):
    """The output folder already holds a previous run and --force was not given."""
