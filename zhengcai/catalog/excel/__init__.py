"""Excel (.xlsx) import and export of the catalogue, in the format officials exchange.

Every kind has one sheet with fixed headers (`specs`); export (`exporting`) writes exactly what
import (`importing`, reading cells through `cells`) reads, so a file can go out, be edited and
come back. Import is all-or-nothing: every row is checked first (wrong sheet or headers, bad
codes, unknown regions, regions the importer may not edit, negative or malformed amounts and
dates, duplicate lines); if any row is bad the report lists every problem (row, column, message
in Chinese) and nothing is written. Good files are applied through the services (audit entry per
change) in one transaction.
"""

from zhengcai.catalog.excel.exporting import export_filename, export_workbook
from zhengcai.catalog.excel.importing import import_workbook, read_official_catalogue
from zhengcai.catalog.excel.specs import (
    KIND_LABELS,
    MAX_ROWS,
    SPECS,
    XLSX_MIME,
    ImportReport,
    RowProblem,
    Spec,
)

__all__ = [
    "KIND_LABELS",
    "MAX_ROWS",
    "SPECS",
    "XLSX_MIME",
    "ImportReport",
    "RowProblem",
    "Spec",
    "export_filename",
    "export_workbook",
    "import_workbook",
    "read_official_catalogue",
]
