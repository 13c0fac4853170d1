"""Every refused access is an audit event.

The policies refuse by raising ``policies.AccessDenied``; this error handler records the refusal
once the request's unit of work has rolled back (a refused request changes nothing), commits the
event on its own (``record_now``) and answers with the error page.
"""
from __future__ import annotations

import logging

from flask import Flask, request
from flask_login import current_user

from supervision.audit.services import record_now
from supervision.core import uow
from supervision.core.errors import render_error
from supervision.policies import AccessDenied

log = logging.getLogger(__name__)


def record_denial(err: AccessDenied) -> None:
    uow.rollback()  # a denial raised before the view (route policy) may follow other work
    user = current_user if current_user.is_authenticated else None
    record_now("access.denied", actor=user, object_type=err.object_type, object_id=err.object_id,
               details={"method": request.method, "path": request.path[:200], "status": err.code})


def install(app: Flask) -> None:
    @app.errorhandler(AccessDenied)
    def _denied(err: AccessDenied):
        try:
            record_denial(err)
        except Exception:  # the refusal stands even if the log write fails
            log.exception("could not record denied access")
            uow.rollback()
        return render_error(err.code)
