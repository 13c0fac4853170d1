"""Background jobs: work that outlasts a request is a row in ``jobs``, run by a runner.

The embedded default runs jobs on a thread pool in the web process (no Redis needed); in
production an RQ worker on Redis runs them (``JOB_RUNNER = "rq"``).  Either way the request that
starts a job returns at once and the page polls the row for progress.
"""


def init_app(app) -> None:
    from supervision.jobs import runners

    runners.init_app(app)
