"""gunicorn's own logs through smmdash.logs.RedactSecrets.

gunicorn writes its access and error logs with loggers of its own, whose records never reach
the handlers settings.LOGGING filters: an access line prints the request line with its query
string, so a shop calling /api/v2 by GET with `key=...` would have its key written to the log.
This logger class puts the same filter on both (the Procfile's `--logger-class`).
"""

from gunicorn.glogging import Logger

from smmdash.logs import RedactSecrets


class RedactingLogger(Logger):
    def setup(self, cfg):
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            if not any(isinstance(known, RedactSecrets) for known in log.filters):
                log.addFilter(RedactSecrets())
