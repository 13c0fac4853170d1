"""WSGI entry point: ``gunicorn wsgi:app`` or ``flask --app wsgi ...``."""
from supervision import create_app

app = create_app()
__import__("supervision.backups.witness").backups.witness.report_at_start_up(app)
