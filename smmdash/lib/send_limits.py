"""How long sending one order can last, for the settings and the orders app alike (so this
module imports nothing of Django's).

A send runs in a task that Celery kills at SUBMIT_TIME_LIMIT: within it the request to the
panel (a connection and an answer, tried in a few forms) and the patient write of the
panel's id. Only once that limit has passed, with a margin for a kill that comes late and
clocks that differ, is a send that never finished certainly over: until then its worker may
still record an answer, and the order must be neither given up nor sent again.
"""

SUBMIT_TIME_LIMIT = 120  # seconds the submit task may run
SEND_CERTAINLY_OVER_AFTER = SUBMIT_TIME_LIMIT + 60  # seconds after a send was claimed
