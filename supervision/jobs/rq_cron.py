"""RQ's cron configuration for the periodic tasks, in production (``JOB_RUNNER = "rq"``):

    rq cron supervision.jobs.rq_cron --url "$REDIS_URL"

with the app's environment (``SUPERVISION_ENV``, ``DATABASE_URL`` …).  RQ's scheduler enqueues
each active task (``periodic.active``) on the app's queue once per period; the ``rq worker``
processes run it.  One such scheduler per installation is enough; a second one is harmless.
"""
from rq import cron

from supervision import create_app
from supervision.jobs import periodic

periodic.register_with_rq(create_app(), cron.register)
