"""CSV downloads, streamed row by row and safe to open in a spreadsheet."""

import csv

from django.http import StreamingHttpResponse
from django.utils.http import content_disposition_header

# A cell starting with one of these is run as a formula by spreadsheet programs, and
# panel data (service names, links) is text anyone selling on a panel can write.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class _Echo:
    def write(self, value):
        return value


def csv_response(filename, header, rows):
    """Stream `rows` (any iterable of sequences) as a CSV download."""
    writer = csv.writer(_Echo())

    def lines():
        yield writer.writerow(header)
        for row in rows:
            yield writer.writerow([spreadsheet_safe(value) for value in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
