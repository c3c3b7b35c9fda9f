"""Errors the command line reports as one plain line (no traceback)."""


class HwbKpisError(Exception):
    """An input or configuration problem the user can fix; its message names the file and what is wrong."""


class InputFileError(HwbKpisError):
    """A raw file is missing, empty, not a table, or lacks a required column."""


class ReconciliationError(HwbKpisError):
    """Row counts did not reconcile: raw != clean + quarantined + duplicates dropped."""


class PseudonymKeyError(HwbKpisError):
    """Real data was given but no pseudonymisation key is configured."""


class PseudonymCollisionError(HwbKpisError):
    """Two different raw ids got one pseudonym: cleaning stops rather than merge two records."""


def one_line_message(exc: BaseException) -> str:
    """What the command line prints after ``error:``: the message of an ``HwbKpisError``; for a
    file-system failure the file and the system's words (``No space left on device``); for text
    that cannot be decoded, where; always one line."""
    if isinstance(exc, HwbKpisError):
        text = str(exc)
    elif isinstance(exc, OSError):
        where = exc.filename if exc.filename is not None else ""
        words = exc.strerror or type(exc).__name__
        text = f"{where}: {words}" if where else words
        if exc.errno == 28:  # ENOSPC: the disk is full
            text += " (the disk is full: free some space and run again; earlier outputs are untouched)"
    elif isinstance(exc, UnicodeDecodeError):
        text = f"text that is not {exc.encoding} (byte {exc.start}); save the file as UTF-8"
    else:
        text = f"{type(exc).__name__}: {exc}"
    return " ".join(text.split()) or type(exc).__name__
