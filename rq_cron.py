"""RQ's cron configuration for the periodic tasks, in production (``JOB_RUNNER = "rq"``):

    rq cron rq_cron --url "$REDIS_URL"

from this directory, with the app's environment (``SUPERVISION_ENV``, ``DATABASE_URL`` …).
RQ's scheduler enqueues each active task (``periodic.active``) on the app's queue once per
period as ``worker.run_periodic``; the ``rq worker`` processes run it.  One such scheduler per
installation is enough; a second one is harmless.
"""
from rq import cron

import worker

worker.register_periodic_tasks(cron.register)
