"""Currency codes as staff type them: ISO 4217, so a typo ("USS", "RUR") is caught on entry
instead of becoming a currency that no rate will ever convert."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# ISO 4217's active codes (funds and precious metals included), as of its 2025 amendments.
# fmt: off
ISO_4217 = frozenset((
    "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT",
    "BGN", "BHD", "BIF", "BMD", "BND", "BOB", "BOV", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD",
    "CAD", "CDF", "CHE", "CHF", "CHW", "CLF", "CLP", "CNY", "COP", "COU", "CRC", "CUP", "CVE",
    "CZK", "DJF", "DKK", "DOP", "DZD", "EGP", "ERN", "ETB", "EUR", "FJD", "FKP", "GBP", "GEL",
    "GHS", "GIP", "GMD", "GNF", "GTQ", "GYD", "HKD", "HNL", "HTG", "HUF", "IDR", "ILS", "INR",
    "IQD", "IRR", "ISK", "JMD", "JOD", "JPY", "KES", "KGS", "KHR", "KMF", "KPW", "KRW", "KWD",
    "KYD", "KZT", "LAK", "LBP", "LKR", "LRD", "LSL", "LYD", "MAD", "MDL", "MGA", "MKD", "MMK",
    "MNT", "MOP", "MRU", "MUR", "MVR", "MWK", "MXN", "MXV", "MYR", "MZN", "NAD", "NGN", "NIO",
    "NOK", "NPR", "NZD", "OMR", "PAB", "PEN", "PGK", "PHP", "PKR", "PLN", "PYG", "QAR", "RON",
    "RSD", "RUB", "RWF", "SAR", "SBD", "SCR", "SDG", "SEK", "SGD", "SHP", "SLE", "SOS", "SRD",
    "SSP", "STN", "SVC", "SYP", "SZL", "THB", "TJS", "TMT", "TND", "TOP", "TRY", "TTD", "TWD",
    "TZS", "UAH", "UGX", "USD", "USN", "UYI", "UYU", "UYW", "UZS", "VED", "VES", "VND", "VUV",
    "WST", "XAF", "XAG", "XAU", "XBA", "XBB", "XBC", "XBD", "XCD", "XCG", "XDR", "XOF", "XPD",
    "XPF", "XPT", "XSU", "XUA", "YER", "ZAR", "ZMW", "ZWG",
))
# fmt: on


def currency_code(text: str, *, also=()) -> str:
    """`text` as an upper-case ISO 4217 code, or ValidationError saying what is wrong.

    `also`: codes accepted besides ISO 4217's, e.g. one a panel reports itself (an old "RUR").
    """
    code = (text or "").strip().upper()
    if code in ISO_4217 or code in also:
        return code
    if len(code) != 3 or not code.isascii() or not code.isalpha():
        raise ValidationError(
            _("“{text}” is not a currency code: use three letters, e.g. USD.").format(
                text=text[:20]
            )
        )
    raise ValidationError(
        _("{code} is not an ISO 4217 currency code (e.g. USD, EUR, RUB, INR).").format(code=code)
    )
