"""Log records with anything shaped like a credential masked, whichever library wrote them.

smmdash itself never logs a provider key (the panel client masks it in every message and
exception), so this is the second line: a library that logs a request body, a URL with a query
string or a traceback with local values cannot put a secret into the log either.
"""

import logging
import re

# key=..., "api_key": "...", password: ... in form bodies, query strings, JSON and reprs.
CREDENTIAL = re.compile(
    r"""(?ix)
    \b(key|api_?key|password|passwd|secret|token|authorization)
    (["']?\s*[:=]\s*["']?(?:bearer\s+)?)
    (?!\[redacted\])([^\s&"',;)}\]]+)
    """
)


def redact(text: str) -> str:
    return CREDENTIAL.sub(r"\1\2[redacted]", text)


class RedactSecrets(logging.Filter):
    def filter(self, record):
        message = record.getMessage()
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, None
        if record.exc_info:
            # Rendered here so the traceback is masked too; formatters then print this text.
            text = record.exc_text or logging.Formatter().formatException(record.exc_info)
            record.exc_text, record.exc_info = redact(text), None
        return True
