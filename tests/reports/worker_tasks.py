"""A task for the worker test: it records each run (job number, process) in a file and takes a
moment, so that two workers polling the same queue both find work."""

import os
import time

try:
    from django.tasks import task
except ImportError:  # Django < 6
    from django_tasks import task


@task()
def record_run(number: int, path: str) -> None:
    with open(path, "a") as f:  # one short append per run: lines never interleave
        f.write(f"{number} {os.getpid()}\n")
    time.sleep(0.2)
