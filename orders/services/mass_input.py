"""Reading a mass order as it came: pasted lines or an uploaded file, in whichever format.

Lines with `|` (the panels' own `service | link | quantity`), CSV with commas, CSV with
semicolons (what Excel writes where the decimal mark is a comma, as in Russian), columns with
tabs (a paste from a spreadsheet), or the first sheet of an Excel workbook (.xlsx). Each
reading says which format it was read as, so a wrong guess is seen before anything is ordered.

The separator is the one that splits the most lines into exactly three columns (service,
link, quantity), not the one that merely occurs most: links hold commas and semicolons too.
"""

import csv
import io
import zipfile
from dataclasses import dataclass, field

import openpyxl
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from orders.models import Order
from smmdash.lib.numbers import count_text

MAX_LINES = 1000
MAX_CELL = 4000  # characters: a link longer than any real one, far under the csv module's limit
MAX_UNPACKED = 20 * 1024 * 1024  # bytes an .xlsx may unpack to: a 2 MB upload is not a bomb
MAX_SHEET_ROWS = 10 * MAX_LINES  # rows looked at, empty ones included, before giving up
COLUMNS = 3
SAMPLE = 200  # lines looked at to choose the separator

# The separators tried, the most telling first: a tie goes to the earlier one.
SEPARATORS = {"|": "pipe", ";": "semicolon", "\t": "tab", ",": "comma"}
HEADER_WORDS = {"service", "service_id", "service id", "id", "product", "услуга", "продукт"}
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls


class UnreadableFile(ValueError):
    """The uploaded file cannot be read; the message says why, for staff."""


@dataclass
class MassLine:
    number: int
    text: str
    fields: list
    source: str = "Line"  # or "CSV row": a row of an uploaded file (CSV or a sheet)
    error: str = ""
    order: Order | None = None
    created: bool = False

    @property
    def where(self) -> str:
        if self.source == "Line":
            return _("Line {number}").format(number=self.number)
        return _("Row {number} of the file").format(number=self.number)


@dataclass
class Reading:
    """What one box or file held, and how it was read."""

    lines: list[MassLine] = field(default_factory=list)
    format: str = "pipe"  # a value of SEPARATORS, or "xlsx"
    file_name: str = ""
    header_skipped: bool = False
    cp1251: bool = False  # the file was not UTF-8, and read as Windows Cyrillic
    cut_at: int = 0  # the sheet had more rows than were read: the last row read

    def described(self) -> str:
        """ "Read 120 lines as CSV with semicolons", in the page's language."""
        count = len(self.lines)
        formats = {
            "pipe": _("lines with |"),
            "semicolon": _("CSV with semicolons"),
            "comma": _("CSV with commas"),
            "tab": _("columns separated by tabs"),
            "xlsx": _("an Excel sheet"),
        }
        if self.file_name:
            text = ngettext(
                "Read {count} row of {file} as {format}.",
                "Read {count} rows of {file} as {format}.",
                count,
            )
        else:
            text = ngettext(
                "Read {count} line as {format}.", "Read {count} lines as {format}.", count
            )
        notes = [text.format(count=count, file=self.file_name, format=formats[self.format])]
        if self.header_skipped:
            notes.append(_("The first row was taken for a header and skipped."))
        if self.cp1251:
            notes.append(_("The file is not UTF-8: it was read as Windows Cyrillic (cp1251)."))
        if self.cut_at:
            notes.append(
                _("Rows after row {row} were not read.").format(row=count_text(self.cut_at))
            )
        return " ".join(notes)


def read_box(text: str) -> Reading | None:
    """The pasted lines, in whichever format they are; None when the box is empty."""
    reading = _read_text(text or "", source="Line")
    return reading if reading.lines else None


def read_file(data: bytes, file_name: str = "") -> Reading:
    """An uploaded CSV (or `|` lines) or .xlsx file; raises UnreadableFile when it is neither."""
    if data.startswith(ZIP_MAGIC):
        reading = _read_xlsx(data)
    elif data.startswith(OLE_MAGIC):
        raise UnreadableFile(_("This is an old Excel .xls workbook: save it as .xlsx or as CSV."))
    elif b"\x00" in data[:8192]:
        raise UnreadableFile(
            _("This is not a CSV file (it looks like a binary file, e.g. an image).")
        )
    else:
        try:
            text, cp1251 = data.decode("utf-8-sig"), False
        except UnicodeDecodeError:
            # Excel's plain "CSV" on a Russian Windows is written in its code page.
            try:
                text, cp1251 = data.decode("cp1251"), True
            except UnicodeDecodeError:
                raise UnreadableFile(
                    _("This is not a CSV file in UTF-8 text: save it as CSV (UTF-8).")
                ) from None
        reading = _read_text(text, source="CSV row")
        reading.cp1251 = cp1251
    reading.file_name = file_name
    return reading


def as_written(lines: list[MassLine]) -> str:
    """The lines to put back in the box: as they were typed when all were typed in one
    format, else as `|` lines (the one format every line can be written in)."""
    pasted = all(line.source == "Line" for line in lines)
    return "\n".join(line.text if pasted else " | ".join(line.fields) for line in lines)


def _read_text(text: str, *, source: str) -> Reading:
    rows = text.splitlines()
    separator = _separator([row for row in rows if _counts(row)][:SAMPLE])
    reading = Reading(format=SEPARATORS[separator])
    if separator == "|":
        # The panels' format has no quoting: a cell is what stands between the bars.
        numbered = ((n, [cell.strip() for cell in row.split("|")]) for n, row in enumerate(rows, 1))
    else:
        numbered = _csv_rows(text, separator)
    for number, cells in numbered:
        _not_too_long(number, cells)
        if not any(cells) or cells[0].startswith("#"):
            continue
        if not reading.lines and not reading.header_skipped and _is_header(cells):
            reading.header_skipped = True
            continue
        written = rows[number - 1].strip() if separator == "|" else _joined(cells, separator)
        reading.lines.append(MassLine(number, written, cells, source=source))
    return reading


def _not_too_long(number, cells):
    if any(len(cell) > MAX_CELL for cell in cells):
        raise UnreadableFile(
            _(
                "Row {number} has a cell too long to be a service id, link or quantity "
                "(over {limit} characters)."
            ).format(number=number, limit=count_text(MAX_CELL))
        )


def _counts(row: str) -> bool:
    return bool(row.strip()) and not row.lstrip().startswith("#")


def _separator(rows: list[str]) -> str:
    def three_columns(separator):
        parsed = csv.reader(rows, delimiter=separator, skipinitialspace=True)
        try:
            return sum(1 for cells in parsed if len(cells) == COLUMNS)
        except csv.Error:
            return 0

    best = max(SEPARATORS, key=three_columns)  # max keeps the first of equals
    return best if three_columns(best) else "|"


def _csv_rows(text, separator):
    reader = csv.reader(io.StringIO(text), delimiter=separator, skipinitialspace=True)
    start = 1
    try:
        for row in reader:
            yield start, [cell.strip() for cell in row]
            start = reader.line_num + 1
    except csv.Error as problem:
        raise UnreadableFile(
            _(
                "Row {number} could not be read ({problem}): a cell is too long, or a quote "
                "is not closed."
            ).format(number=reader.line_num, problem=problem)
        ) from None


def _joined(cells, separator):
    out = io.StringIO()
    csv.writer(out, delimiter=separator, lineterminator="").writerow(cells)
    return out.getvalue()


def _is_header(cells) -> bool:
    """A first row of column names: a known name first, or no link and no number in it."""
    if cells[0].lower() in HEADER_WORDS:
        return True
    if len(cells) < COLUMNS:
        return False
    link, quantity = cells[1], cells[2]
    return not any(c.isdigit() for c in quantity) and "." not in link and "/" not in link


def _read_xlsx(data: bytes) -> Reading:
    damaged = UnreadableFile(
        _(
            "This .xlsx file cannot be read: it is damaged or not an Excel workbook. Open it "
            "in the spreadsheet and save it again, or save it as CSV."
        )
    )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        raise damaged from None
    if unpacked > MAX_UNPACKED:
        raise UnreadableFile(
            _("This workbook unpacks to over {megabytes} MB: split it into smaller ones.").format(
                megabytes=MAX_UNPACKED // (1024 * 1024)
            )
        )
    reading = Reading(format="xlsx")
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises anything a broken zip of XML can cause
        raise damaged from None
    try:
        if not book.worksheets:
            raise damaged
        rows = book.worksheets[0].iter_rows(max_row=MAX_SHEET_ROWS, values_only=True)
        number = 0
        for number, values in enumerate(rows, start=1):
            cells = _trimmed([_cell_text(value) for value in values])
            _not_too_long(number, cells)
            if not cells:
                continue
            if not reading.lines and not reading.header_skipped and _is_header(cells):
                reading.header_skipped = True
                continue
            if len(reading.lines) == MAX_LINES + 1:  # one over: it is reported as not read
                reading.cut_at = number - 1
                break
            reading.lines.append(MassLine(number, " | ".join(cells), cells, source="CSV row"))
        else:
            if number == MAX_SHEET_ROWS:
                reading.cut_at = MAX_SHEET_ROWS
    except UnreadableFile:
        raise
    except Exception:
        raise damaged from None
    finally:
        book.close()
    return reading


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # Excel keeps every number as a float: 1000.0 is 1000
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value).strip()


def _trimmed(cells: list[str]) -> list[str]:
    while cells and not cells[-1]:
        cells.pop()
    return cells
