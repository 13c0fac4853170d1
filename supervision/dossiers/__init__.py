"""Auditor dossiers and the transparency log: the Merkle tree over every audit event, signed
checkpoints published on the public register, and the BagIt export of one case's file."""


def init_app(app) -> None:
    from supervision import policies
    from supervision.core.navigation import NavItem, add_case_panel, add_public_link
    from supervision.dossiers import checkpoints, export  # noqa: F401  (export: the job kind)
    from supervision.jobs import periodic
    from workflows.base import N_

    app.jinja_env.globals["can_export_case"] = policies.can_export_case
    periodic.register(periodic.PeriodicTask("checkpoint", checkpoints.periodic,
                                            checkpoints.periodic_check_seconds))
    add_public_link(app, NavItem("transparency.index", N_("Audit log checkpoints")))
    add_case_panel(app, "dossiers/_case_panel.html", tab="documents")
