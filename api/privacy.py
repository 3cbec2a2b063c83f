"""Access logs keep the path of each request, never its query string.

The widget's autocomplete sends what a pupil types (``/v1/places?q=saint-qu``,
``/v1/jobs?q=plastur``): pieces of a profile, which must never reach a log.
"""

from __future__ import annotations

import logging

ACCESS_LOGGER = "uvicorn.access"


class DropQueryStrings(logging.Filter):
    """Cut the query string from uvicorn's access log records (client, method, path, …)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = (*args[:2], args[2].split("?", 1)[0], *args[3:])
        return True


def drop_query_strings_from_access_logs() -> None:
    """Install :class:`DropQueryStrings` once on uvicorn's access logger."""
    logger = logging.getLogger(ACCESS_LOGGER)
    if not any(isinstance(f, DropQueryStrings) for f in logger.filters):
        logger.addFilter(DropQueryStrings())
