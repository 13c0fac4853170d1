"""Auditor dossiers and the transparency log: the Merkle tree over every audit event, signed
checkpoints published on the public register, and the BagIt export of one case's file."""


def init_app(app) -> None:
    import workflows
    from supervision import policies
    from supervision.core.navigation import NavItem, add_case_panel, add_public_link
    from supervision.dossiers import checkpoints, export  # noqa: F401  (export: the job kind)
    from supervision.jobs import periodic
    from workflows.base import N_

    app.jinja_env.globals["can_export_case"] = policies.can_export_case
    periodic.register(periodic.PeriodicTask("checkpoint", checkpoints.periodic,
                                            checkpoints.periodic_check_seconds))
    add_public_link(app, NavItem("transparency.index", N_("Audit log checkpoints")))
    _install_demo_checkpoint()
    for name in workflows.REGISTRY:
        add_case_panel(app, name, "dossiers/_case_panel.html")


def _demo_checkpoint(**_people) -> None:
    """The demo ends with a signed checkpoint over everything it made (shown on /transparency)."""
    from supervision.dossiers import checkpoints

    checkpoints.make_checkpoint()


def _install_demo_checkpoint() -> None:
    """Run after the other domains' demo loaders (they are installed before this package)."""
    from supervision.demo.data import EXTRA_LOADERS

    if _demo_checkpoint not in EXTRA_LOADERS:
        EXTRA_LOADERS.append(_demo_checkpoint)
