"""Errors the command line reports as one plain line (no traceback)."""


class HwbKpisError(Exception):
    """An input or configuration problem the user can fix; its message names the file and what is wrong."""


class InputFileError(HwbKpisError):
    """A raw file is missing, empty, not a table, or lacks a required column."""


class ReconciliationError(HwbKpisError):
    """Row counts did not reconcile: raw != clean + quarantined + duplicates dropped."""


class PseudonymKeyError(HwbKpisError):
    """Real data was given but no pseudonymisation key is configured."""
