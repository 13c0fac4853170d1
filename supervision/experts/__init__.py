"""The expert pool (Art. 8): experts and their conflicts, recorded draws anyone can replay,
"my assignments" and structured opinions.  ``init_app`` adds the pages, the case panel and the
``flask experts`` commands."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from supervision.experts.cli import experts_cli

    app.cli.add_command(experts_cli)
