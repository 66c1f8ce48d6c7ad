"""gunicorn's settings for Kontor's app server (deploy/systemd/kontor-web.service).

For operators: 127.0.0.1:8000 behind nginx (deploy/nginx/kontor.conf); a sync worker per
request, two per CPU core by default (a worker waits for PostgreSQL about 40 % of its time,
bench/README.md "REST API"); `WEB_CONCURRENCY` in the environment file sets another number.
"""

import multiprocessing
import os

bind = os.environ.get("KONTOR_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count()))
worker_class = "sync"
# A request still running after this many seconds is stopped and its worker replaced; nginx
# waits a little longer (proxy_read_timeout) so that the client gets gunicorn's answer.
timeout = 60
graceful_timeout = 60
# A fresh worker now and then keeps a slow leak in a library from growing without bound.
max_requests = 5000
max_requests_jitter = 500
# Each worker loads the app itself, so that `systemctl reload kontor-web` (HUP) starts workers
# with the new code after an upgrade while the old ones finish their requests.
preload_app = False
# nginx sets X-Forwarded-Proto and -For; Django reads them (SECURE_PROXY_SSL_HEADER,
# KONTOR_NUM_PROXIES), gunicorn trusts them only from nginx on this machine.
forwarded_allow_ips = "127.0.0.1,::1"
# Kontor writes its own access line per request (LOG_FORMAT=json, with the request id);
# gunicorn's start, stop and worker-timeout lines go to the journal through stderr.
accesslog = None
errorlog = "-"


def child_exit(server, worker):
    """A finished worker's live metrics leave the multiprocess directory (docs/operations.md)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)


# systemd sends the signals (reload, stop); no control socket in the service user's home.
control_socket_disable = True
