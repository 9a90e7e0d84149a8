"""Russian dates as smmdash writes them (smmdash.lib.moments): "7 декабря 2026, 16:51", the
month in the genitive after the day. Numbers: "1 234,56", a non-breaking space between groups.
What is not set here is Django's."""

DATE_FORMAT = "j E Y"
DATETIME_FORMAT = "j E Y, H:i"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "j E"
YEAR_MONTH_FORMAT = "F Y"
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\xa0"
NUMBER_GROUPING = 3
