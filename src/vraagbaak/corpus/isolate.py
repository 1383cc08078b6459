"""Read an untrusted file in a child process with limits on CPU time, memory and wall-clock time.

An uploaded PDF may be built to never finish parsing or to exhaust memory. Here it is read by a
fresh interpreter (``python -m vraagbaak.corpus.isolate``, started with fork+exec, never a bare
fork of a threaded server) that first lowers its own limits with ``resource.setrlimit``: address
space (RLIMIT_AS) and CPU seconds (RLIMIT_CPU). The parent also kills it after a wall-clock
timeout, for a file that sleeps or blocks rather than computes. Whatever the child does, the caller
gets either the documents' outline or an :class:`UnreadableDocumentError` with one clear sentence::

    outline = read_isolated(Path("upload.pdf"), limits=Limits(), memory_mb=1024)
    outline.documents  # [{"id": ..., "title": ..., "pages": 12}]

The child answers with JSON on stdout (never a pickle: nothing it writes is executed).
"""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from vraagbaak.corpus.formats import Limits, UnreadableDocumentError
from vraagbaak.corpus.model import Corpus

#: Exit code of a child that ran out of memory (its MemoryError, caught).
EXIT_MEMORY = 3
#: An abort with resident memory at this share of the limit or more counts as running out of memory.
MEMORY_NEAR = 0.5


@dataclass(frozen=True)
class Outline:
    """What the checks before adding need from a read: the documents' ids, titles and pages."""

    documents: list[dict]
    page_count: int

    @property
    def ids(self) -> list[str]:
        return [d["id"] for d in self.documents]


def outline(corpus: Corpus) -> Outline:
    docs = [
        {
            "id": d.id,
            "title": d.title,
            "pages": (d.last_page - d.first_page + 1) if d.first_page is not None and d.last_page is not None else None,
        }
        for d in corpus.documents
    ]
    return Outline(documents=docs, page_count=corpus.page_count)


def read_isolated(path: Path, *, limits: Limits, memory_mb: int, timeout_s: float | None = None) -> Outline:
    """Read ``path`` in a limited child: ``limits.timeout_s`` CPU seconds, ``memory_mb`` of address space.

    ``timeout_s`` is the wall-clock limit (default: the CPU limit plus 10 s for the interpreter's start).
    """
    cpu = int(limits.timeout_s or 120)
    wall = timeout_s if timeout_s is not None else cpu + 10
    cmd = [
        sys.executable,
        "-m",
        "vraagbaak.corpus.isolate",
        str(path),
        str(limits.max_bytes),
        str(limits.max_pages),
        str(cpu),
        str(memory_mb),
    ]
    name = path.name
    # stderr is dropped: a parser's warnings could fill the pipe and block the child; the answer is small
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    code, peak_mb = _wait(proc, wall)
    if code is None:
        raise UnreadableDocumentError(f"{name}: reading it took longer than the limit of {wall:g} s")
    out = proc.stdout.read() if proc.stdout else b""
    if code == 0:
        answer = json.loads(out)
        if "refused" in answer:
            raise UnreadableDocumentError(answer["refused"])
        return Outline(documents=answer["documents"], page_count=answer["page_count"])
    if code in (-signal.SIGXCPU, -signal.SIGKILL):
        # RLIMIT_CPU sends SIGXCPU at the soft limit and SIGKILL at the hard one
        raise UnreadableDocumentError(f"{name}: reading it took more CPU time than the limit of {cpu} s")
    # Python's MemoryError is caught in the child (EXIT_MEMORY); PDFium's allocator aborts instead. An abort
    # after the child's resident memory came near the limit is the limit, not a bug of the reader.
    if code == EXIT_MEMORY or (code == -signal.SIGABRT and peak_mb >= memory_mb * MEMORY_NEAR):
        raise UnreadableDocumentError(f"{name}: reading it needed more memory than the limit of {memory_mb} MB")
    reason = f"signal {signal.Signals(-code).name}" if code < 0 else f"exit code {code}"
    raise UnreadableDocumentError(f"{name}: the reader stopped unexpectedly ({reason})")


def _wait(proc: subprocess.Popen, wall: float) -> tuple[int | None, float]:
    """The child's exit code (None: killed at ``wall`` seconds) and its peak resident memory in MB."""
    deadline = time.monotonic() + wall
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            proc.returncode = os.waitstatus_to_exitcode(status)
            return proc.returncode, usage.ru_maxrss / 1024
        if time.monotonic() >= deadline:
            proc.kill()
            proc.wait()
            return None, 0.0
        time.sleep(0.02)


def _limit(memory_mb: int, cpu_s: int) -> None:
    memory = memory_mb * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_s, cpu_s + 1))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # no core file of a crashed parser


def _main(argv: list[str]) -> int:
    path, max_bytes, max_pages, cpu, memory_mb = Path(argv[0]), *map(int, argv[1:5])
    _limit(memory_mb, cpu)
    try:
        from vraagbaak.corpus.formats import read_path, set_limits

        # this process is the isolation: without a time limit the PDF reader parses here, not in a child
        set_limits(Limits(max_bytes=max_bytes, max_pages=max_pages, timeout_s=None))
        answer = outline(read_path(path)).__dict__
    except MemoryError:
        os._exit(EXIT_MEMORY)  # no cleanup that might allocate
    except UnreadableDocumentError as e:
        answer = {"refused": str(e)}
    except Exception as e:  # a parser's own failure on a broken file: one line, its type and message
        answer = {"refused": f"{path.name}: it could not be read ({type(e).__name__}: {e})".splitlines()[0]}
    sys.stdout.write(json.dumps(answer, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(_main(sys.argv[1:]))
