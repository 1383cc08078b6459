"""Indexing jobs: documents uploaded or removed over HTTP, indexed in the background, one at a time.

The parts, in the order a job meets them:

- :mod:`vraagbaak.jobs.store`: the queue, a small SQLite database beside the index, so that any
  server process can answer for any job and a restart forgets none;
- :mod:`vraagbaak.jobs.runner`: a thread in each server process that claims the next job when none
  is running and starts a job process for it;
- :mod:`vraagbaak.jobs.work`: the job process. It runs at lower priority, reads an upload in a
  limited child (:mod:`vraagbaak.corpus.isolate`), then adds or removes the document and rebuilds
  (:mod:`vraagbaak.documents`); the servers load the new build by themselves (live reload).

Nothing here imports Flask: the HTTP side is ``vraagbaak.service.admin``.
"""
