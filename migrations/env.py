import logging
from logging.config import fileConfig

from flask import current_app

from supervision.geo.postgis import outside_the_models

from alembic import context

# this is the Alembic Config object, which provides
# access to the values within the .ini file in use.
config = context.config

# Interpret the config file for Python logging.
# This line sets up loggers basically.
fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger('alembic.env')


def get_engine():
    return current_app.extensions['migrate'].db.engine


def get_engine_url():
    return get_engine().url.render_as_string(hide_password=False).replace('%', '%%')


# add your model's MetaData object here
# for 'autogenerate' support
# from myapp import mymodel
# target_metadata = mymodel.Base.metadata
config.set_main_option('sqlalchemy.url', get_engine_url())
target_db = current_app.extensions['migrate'].db

# other values from the config, defined by the needs of env.py,
# can be acquired:
# my_important_option = config.get_main_option("my_important_option")
# ... etc.


def get_metadata():
    if hasattr(target_db, 'metadatas'):
        return target_db.metadatas[None]
    return target_db.metadata


def run_migrations_offline():
    """Run migrations in 'offline' mode.

    This configures the context with just a URL
    and not an Engine, though an Engine is acceptable
    here as well.  By skipping the Engine creation
    we don't even need a DBAPI to be available.

    Calls to context.execute() here emit the given string to the
    script output.

    """
    url = config.get_main_option("sqlalchemy.url")
    context.configure(
        url=url, target_metadata=get_metadata(), literal_binds=True
    )

    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    """Run migrations in 'online' mode.

    In this scenario we need to create an Engine
    and associate a connection with the context.

    """

    # this callback is used to prevent an auto-migration from being generated
    # when there are no changes to the schema
    # reference: http://alembic.zzzcomputing.com/en/latest/cookbook.html
    def process_revision_directives(context, revision, directives):
        if getattr(config.cmd_opts, 'autogenerate', False):
            script = directives[0]
            if script.upgrade_ops.is_empty():
                directives[:] = []
                logger.info('No changes in schema detected.')

    conf_args = current_app.extensions['migrate'].configure_args
    if conf_args.get("process_revision_directives") is None:
        conf_args["process_revision_directives"] = process_revision_directives
    # PostGIS's own table and the fences' mirror columns are not the models' (geo.postgis).
    conf_args.setdefault("include_object", outside_the_models)

    connectable = get_engine()

    with connectable.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            _sqlite_foreign_keys_off(connection)
        context.configure(
            connection=connection,
            target_metadata=get_metadata(),
            **conf_args
        )

        try:
            with context.begin_transaction():
                context.run_migrations()
                if sqlite:
                    _sqlite_check_references(connection)
        finally:
            if sqlite:
                _sqlite_release(connection)


def _sqlite_foreign_keys_off(connection):
    """SQLite changes a table (a CHECK, a column type) by copying it and dropping the old copy;
    with foreign keys enforced, the drop counts every row that refers to the old copy as broken
    (or, deferred, fails the commit) although the new copy holds the same rows.  SQLite's own
    procedure for such changes (sqlite.org/lang_altertable.html, "other kinds of table schema
    changes") turns enforcement off outside the transaction and checks the references before
    committing: ``_sqlite_check_references``.  The connection is not used again afterwards."""
    connection.commit()   # PRAGMA foreign_keys is ignored inside a transaction
    connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
    connection.commit()


def _sqlite_release(connection):
    """Never hand the pool a connection whose enforcement a migration switched off: a file's
    connection is closed (the next one opens with the app's pragmas, ``core.database``: foreign
    keys on); an in-memory database lives only in its connection, so enforcement is switched back."""
    if connection.engine.url.database in (None, "", ":memory:"):
        connection.rollback()
        connection.exec_driver_sql("PRAGMA foreign_keys=ON")
        connection.commit()
    else:
        connection.invalidate()


def _sqlite_check_references(connection):
    """Refuse (the migration's transaction is rolled back) when a reference the migrations left
    points at no row."""
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        shown = ", ".join(f"{row[0]} row {row[1]} -> {row[2]}" for row in broken[:10])
        raise RuntimeError(f"the migration left {len(broken)} broken reference(s): {shown}")


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
