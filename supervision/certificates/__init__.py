"""Certification bodies' certificates (Art. 48 认证): certifiers record certificates against
robot models and change their state (``workflows/certificate.py``); regulators search them;
firms see their models'.  Registration relies on a valid one for tier 2 and above, and a case
whose certificate was withdrawn or expired is flagged on the case list and case page.

``init_app`` adds the pages, navigation, the case panel and flags, the register's certificates
section, the expiry timer (periodic task ``certificate_expiry`` and ``flask certificates
expire``) and the audit labels."""
from __future__ import annotations

from types import SimpleNamespace

from flask import Flask

from workflows.base import N_

# A model's certificate status beyond the certificate's own state (``services.ModelStatus``).
STATUS_LABELS = {"valid": N_("Valid"), "not_yet_valid": N_("Not yet valid"), "dates_over": N_("Validity ended")}


def expiry_seconds(app: Flask) -> float:
    """The expiry timer runs with the deadline timer (``DEADLINE_CHECK_SECONDS``; 0: off)."""
    return max(float(app.config.get("DEADLINE_CHECK_SECONDS") or 0), 0.0)


def relied_certificate(case) -> SimpleNamespace | None:
    """For the case page: the certificate the case relies on, whether it is flagged, and
    whether the reader may open the certificate's page."""
    from flask_login import current_user

    from supervision.certificates import access, services

    reliance = services.reliance_of(case.id)
    if reliance is None:
        return None
    cert = reliance.certificate
    return SimpleNamespace(cert=cert, flagged=cert.state in services.ENDED_STATES,
                           linked=access.can_view_certificate(current_user, cert))


def case_list_flags(cases) -> dict[int, list[str]]:
    """The case list's flag on each open case whose relied-on certificate ended."""
    from supervision.cases.services import is_closed
    from supervision.certificates import services
    from supervision.core.i18n import label
    from workflows.certificate import CERTIFICATE

    open_ids = {c.id for c in cases if not is_closed(c)}
    return {case_id: [label(CERTIFICATE.state_label(cert.state))]
            for case_id, cert in services.flags_for(open_ids).items()}


def unit_certificate(unit) -> dict | None:
    """What the public page of a unit says of its model's certificate (None: none recorded)."""
    from flask_babel import gettext

    from supervision.certificates import services
    from workflows.certificate import CERTIFICATE

    found = services.status_of_model(unit.model_id)
    cert = found.certificate
    if cert is None:
        return None
    return {"number": cert.number, "status": found.status,
            "statusLabel": gettext(STATUS_LABELS.get(found.status) or CERTIFICATE.state_label(found.status)),
            "validFrom": cert.valid_from.isoformat(), "validUntil": cert.valid_until.isoformat()}


def init_app(app: Flask) -> None:
    from supervision.cases.types import RegisterSection
    from supervision.certificates import queries, services
    from supervision.certificates.cli import certificates_cli
    from supervision.certificates.register import display
    from supervision.certificates.views import bp
    from supervision.core.navigation import NavItem, add_case_flags, add_case_panel, add_nav
    from supervision.jobs import periodic
    from supervision.public.register import add_register_section
    from supervision.units.public import add_status_provider
    from workflows.certificate import CERTIFICATE

    app.register_blueprint(bp)
    add_status_provider("certificate", unit_certificate)
    add_nav(app, NavItem("certificates.index", N_("Certificates"),
                         frozenset({"certifier", "officer", "approver", "auditor", "applicant"})))
    add_case_panel(app, "certificates/_case_panel.html")
    add_case_flags(app, case_list_flags)
    add_register_section(app, RegisterSection(
        "certificates", N_("Product certificates"), queries.public_listing, columns=queries.COLUMNS,
        link_args=("q", "status"), display=display))
    app.jinja_env.globals.update(relied_certificate=relied_certificate,
                                 certificate_state_label=CERTIFICATE.state_label)
    app.extensions.setdefault("action_labels", {}).update({
        "certificate.record": N_("Certificate recorded"),
        "certificate.change": N_("Certificate state changed"),
    })
    periodic.register(periodic.PeriodicTask("certificate_expiry", services.expire_due, expiry_seconds))
    app.cli.add_command(certificates_cli)
