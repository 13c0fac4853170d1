"""Embodied-Robot Supervision Platform: the Flask application factory (wiring only)."""
from __future__ import annotations

import os

from flask import Flask

from config import PROFILES, ProductionConfig, profile_from_env


def create_app(profile: str | None = None, **overrides) -> Flask:
    """Build the app for a configuration profile; ``overrides`` win over the profile."""
    profile = profile or profile_from_env()
    config_cls = PROFILES[profile]
    if config_cls is ProductionConfig:
        ProductionConfig.check()
    app = Flask(
        __name__,
        template_folder=os.path.join(os.path.dirname(__file__), "..", "templates"),
        instance_path=config_cls.INSTANCE_DIR,
    )
    app.config.from_object(config_cls)
    app.config.update(overrides)
    if hasattr(config_cls, "fill_secret_key"):
        config_cls.fill_secret_key(app.config)
    os.makedirs(app.instance_path, exist_ok=True)

    register_extensions(app)
    register_blueprints(app)
    register_case_types(app)
    install_unit_of_work(app)
    register_request_hooks(app)
    register_errorhandlers(app)
    register_commands(app)
    return app


def register_extensions(app: Flask) -> None:
    from supervision.core import database, i18n, navigation, urls
    from supervision.extensions import babel, csrf, db, login_manager, migrate

    import supervision.models  # noqa: F401  (every table registered before migrations run)

    urls.install_converters(app)
    db.init_app(app)
    database.install_sqlite_pragmas(app)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(__file__), "..", "migrations"),
                     render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=i18n.request_locale, timezone_selector=i18n.request_timezone)
    login_manager.init_app(app)
    i18n.install_template_helpers(app)
    navigation.install(app)

    from supervision.accounts import loader  # noqa: F401  (registers the user loader)


def register_blueprints(app: Flask) -> None:
    from supervision import decisions, dossiers, jobs, notifications
    from supervision.accounts.admin_views import bp as admin_bp
    from supervision.accounts.views import bp as accounts_bp
    from supervision.audit.views import bp as audit_bp
    from supervision.cases import clocks
    from supervision.cases.views import bp as cases_bp
    from supervision.decisions.views import bp as decisions_bp
    from supervision.documents.views import bp as documents_bp
    from supervision.dossiers.transparency_views import bp as transparency_bp
    from supervision.dossiers.views import bp as dossiers_bp
    from supervision.public.register import bp as register_sections_bp
    from supervision.public.views import bp as public_bp
    from supervision.workdays.views import bp as workdays_bp

    for bp in (public_bp, accounts_bp, admin_bp, cases_bp, documents_bp, audit_bp, workdays_bp,
               dossiers_bp, transparency_bp, decisions_bp, register_sections_bp):
        app.register_blueprint(bp)
    jobs.init_app(app)
    clocks.install(app)  # deadlines: calendar changes, the timer task, `flask cases tick`
    dossiers.init_app(app)
    decisions.init_app(app)
    notifications.init_app(app)
    __import__("supervision.documents.fixity").documents.fixity.init_app(app)  # re-hashing the store
    __import__("supervision.experts").experts.init_app(app)  # the expert pool (Art. 8)
    __import__("supervision.units").units.init_app(app)  # robot units: codes, ledger, verification (Art. 46)
    # -- api branch: the firms' JSON API (/api/v1, token pages, `flask api`) --
    __import__("supervision.api").api.init_app(app)
    # -- certificates branch: the register's Atom feed; certification bodies' certificates --
    from supervision.public.feed import bp as register_feed_bp

    app.register_blueprint(register_feed_bp)
    __import__("supervision.certificates").certificates.init_app(app)
    __import__("supervision.workbench").workbench.init_app(app)  # the queue: bulk assignment, views, exports
    __import__("supervision.portal").portal.init_app(app)  # the firm's home page
    __import__("supervision.dashboard").dashboard.init_app(app)  # dashboard and statistics (Art. 33)


def register_case_types(app: Flask) -> None:
    """The case types named in ``CASE_TYPES`` (their pages, commands and engine plug-ins)."""
    from supervision.cases import types

    types.install(app, app.config["CASE_TYPES"])


def install_unit_of_work(app: Flask) -> None:
    from supervision.core import uow

    uow.install(app)  # one commit per request, after every blueprint is registered


def register_request_hooks(app: Flask) -> None:
    from supervision import policies
    from supervision.accounts import kept, loader
    from supervision.core import fragments, logs, once, probing, requestctx
    from supervision.public import caching

    logs.install(app)  # JSON lines, one access line per request
    app.before_request(requestctx.assign_request_id)
    app.before_request(requestctx.refuse_nul_in_form)
    app.before_request(loader.end_expired_session)  # before the policy: a timed-out POST is not applied
    app.before_request(policies.enforce_route_policy)
    app.before_request(probing.refuse_while_probing)
    caching.install(app)  # public pages: no cookie, ETag, 304
    fragments.install(app)  # signed-in pages' rendered parts, kept under the data version
    kept.install(app)  # a form refused for an ended session is put back after signing in
    once.install(app)  # one-time form tokens (last: only a request about to run uses its token)
    app.after_request(probing.count_misses)
    app.after_request(requestctx.security_headers)


def register_errorhandlers(app: Flask) -> None:
    from supervision.audit import denials
    from supervision.core import errors

    errors.register(app)
    denials.install(app)  # every access.denied is recorded, after the request rolled back


def register_commands(app: Flask) -> None:
    from supervision.accounts.cli import accounts_cli
    from supervision.audit.cli import audit_cli
    from supervision.demo.cli import demo_cli
    from supervision.workdays.cli import calendar_cli

    from supervision.dossiers.cli import checkpoint as checkpoint_cmd

    from supervision.backups import cli as backups_cli

    audit_cli.add_command(checkpoint_cmd)  # flask audit checkpoint
    audit_cli.add_command(backups_cli.accept_restore_command)  # flask audit accept-restore
    app.cli.add_command(backups_cli.backup_command)            # flask backup PATH
    app.cli.add_command(backups_cli.restore_command)           # flask restore PATH
    for group in (accounts_cli, audit_cli, demo_cli, calendar_cli):
        app.cli.add_command(group)
