"""gunicorn's server hooks for the click flusher (api.clicks); serve.sh passes this file with
`--config`, and every server setting stays on its command line.

Both hooks run in the worker process. `post_worker_init` comes after the app is loaded (Django set
up) and before the worker accepts. `worker_exit` comes after the gthread worker's loop has ended:
it stopped accepting on SIGTERM, answered its open connections (at most `--graceful-timeout`),
closed its listening sockets, and is about to exit.
"""


def post_worker_init(worker):
    from api import clicks  # here, not at the top: Django is set up by now

    clicks.start()


def worker_exit(server, worker):
    # `booted` is set in the worker process once post_worker_init has run. It is False in a worker
    # that failed before (no app, no flusher), and in the arbiter, which also calls this hook for a
    # worker it finds already gone (Arbiter.kill_worker) and has no app loaded (no --preload).
    if not worker.booted:
        return
    from api import clicks

    clicks.stop()
