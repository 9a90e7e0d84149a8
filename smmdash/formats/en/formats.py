"""English dates as smmdash writes them (smmdash.lib.moments): "7 Dec 2026, 16:51".
Numbers keep Django's English separators ("1,234.56"). What is not set here is Django's."""

DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H:i"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "j M"
YEAR_MONTH_FORMAT = "F Y"
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
