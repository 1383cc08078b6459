"""Speed, throughput, footprint and scale benchmarks: ``make bench`` -> printed and written to eval/bench.md.

Everything is measured in one run on this machine, so the ratios compare like with like:

1. Index build of the corpus (with progress bars) -> build time.
2. The floor: embedding each gold question with the configured model, using the threads one production
   worker gets (cores // workers). In-process search of the same questions.
3. The production server (gunicorn with vraagbaak.service.GUNICORN_ARGS) on 127.0.0.1:
   cold start to /readyz, RSS per process, HTTP latency with one client, throughput at 1, 4, 16 clients.
4. Scale curve on synthetic vectors: exact FAISS (flat) against HNSW and IVF, latency, memory, recall@10.

No timing is asserted anywhere: these are figures to read, not tests.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import numpy as np
from tqdm import tqdm

from eval.markdown import table
from vraagbaak.index.store import Manifest
from vraagbaak.service import GUNICORN_APP, GUNICORN_ARGS, GUNICORN_CONFIG

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "eval" / "gold.jsonl"
REPORT = ROOT / "eval" / "bench.md"
CORES = os.cpu_count() or 1


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values, dtype=np.float64), q)) if values else float("nan")


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def questions() -> list[str]:
    return [json.loads(line)["question"] for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]


# ---------------------------------------------------------------------- load generator


class LoadResult:
    def __init__(self, concurrency: int) -> None:
        self.concurrency = concurrency
        self.latencies: list[float] = []
        self.errors = 0
        self.error_kinds: dict[str, int] = {}
        self.seconds = 0.0

    @property
    def requests(self) -> int:
        return len(self.latencies) + self.errors

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0


class RawClient:
    """A minimal keep-alive HTTP/1.1 GET client on a socket.

    The load generator shares the 2 cores with the server; http.client's
    parsing cost about 3 ms a request here, which would be billed to the server.
    This reads the status line and Content-Length and nothing more.
    """

    def __init__(self, host: str, port: int, timeout: float = 30) -> None:
        self.host = host
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""

    def get(self, path: str) -> int:
        self.sock.sendall(f"GET {path} HTTP/1.1\r\nHost: {self.host}\r\n\r\n".encode())
        while b"\r\n\r\n" not in self.buf:
            self._recv()
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        lines = head.split(b"\r\n")
        status = int(lines[0].split()[1])
        length = next(
            (int(v) for k, _, v in (ln.partition(b":") for ln in lines[1:]) if k.lower() == b"content-length"), None
        )
        if length is None:
            raise ValueError("response without Content-Length")
        while len(self.buf) < length:
            self._recv()
        self.buf = self.buf[length:]
        return status

    def _recv(self) -> None:
        data = self.sock.recv(65536)
        if not data:
            raise OSError("connection closed")
        self.buf += data

    def close(self) -> None:
        self.sock.close()


def load(
    port: int,
    qs: list[str],
    *,
    concurrency: int,
    max_requests: int,
    max_seconds: float,
    host: str = "127.0.0.1",
    desc: str = "",
) -> LoadResult:
    """Closed-loop load: ``concurrency`` clients, each with a keep-alive connection, asking the gold
    questions in turn. Bounded twice: at most ``max_requests`` requests and ``max_seconds`` seconds.
    Only loopback: this is a benchmark of our own server, never a load test of someone else's."""
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise ValueError(f"the load generator only targets loopback, not {host!r}")
    result = LoadResult(concurrency)
    lock = threading.Lock()
    issued = iter(range(max_requests))
    deadline = time.perf_counter() + max_seconds
    bar = tqdm(total=max_requests, desc=desc or f"{concurrency} clients", unit="req", leave=False)

    def client() -> None:
        conn = RawClient(host, port)
        while time.perf_counter() < deadline:
            with lock:
                i = next(issued, None)
            if i is None:
                break
            path = f"/api/search?k=5&q={quote(qs[i % len(qs)])}"
            t0 = time.perf_counter()
            try:
                status = conn.get(path)
                ok = status == 200
                kind = str(status)
            except (OSError, ValueError) as e:
                ok = False
                kind = type(e).__name__
                conn.close()
                conn = RawClient(host, port)
            took = time.perf_counter() - t0
            with lock:
                if ok:
                    result.latencies.append(took)
                else:
                    result.errors += 1
                    result.error_kinds[kind] = result.error_kinds.get(kind, 0) + 1
                bar.update(1)
        conn.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=client, daemon=True) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    result.seconds = time.perf_counter() - started
    bar.close()
    return result


# ---------------------------------------------------------------------- the production server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def children(pid: int) -> list[int]:
    out: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        out += [int(c) for c in text]
    return out


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def http_get(port: int, path: str) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


class Server:
    """gunicorn with the production settings, on a free loopback port."""

    def __init__(self, index_dir: Path, *, timeout: float = 180, args: tuple[str, ...] = ()) -> None:
        self.port = free_port()
        env = {**os.environ, "HOST": "127.0.0.1", "PORT": str(self.port), "VRAAGBAAK_INDEX_DIR": str(index_dir)}
        env.pop("VRAAGBAAK_NUM_THREADS", None)
        # The production rate limit (per client address) would refuse a load test from one address by design.
        env["VRAAGBAAK_RATE_LIMIT"] = "off"
        cmd = [sys.executable, "-m", "gunicorn", *GUNICORN_CONFIG, *args, GUNICORN_APP]
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the server
        t0 = time.perf_counter()
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        while True:
            if self.proc.poll() is not None:
                self.log.seek(0)
                raise RuntimeError(f"gunicorn exited: {self.log.read().decode(errors='replace')[-2000:]}")
            try:
                if http_get(self.port, "/readyz")[0] == 200:
                    break
            except OSError:
                pass
            if time.perf_counter() - t0 > timeout:
                raise RuntimeError("gunicorn not ready in time")
            time.sleep(0.05)
        self.first_ready = time.perf_counter() - t0
        # every worker loads the model itself; wait until all of them have (RSS stops growing)
        self.workers = children(self.proc.pid)
        self.all_ready = self.first_ready
        while True:
            sizes = [rss_mb(p) for p in self.workers]
            time.sleep(0.5)
            if [rss_mb(p) for p in self.workers] == sizes and all(s > 100 for s in sizes):
                break
            if time.perf_counter() - t0 > timeout:
                break
        self.all_ready = time.perf_counter() - t0

    def stop(self) -> float:
        t0 = time.perf_counter()
        self.proc.terminate()
        self.proc.wait(timeout=60)
        return time.perf_counter() - t0


# ---------------------------------------------------------------------- scale curve


def synthetic(n: int, dim: int, rng: np.random.Generator, basis: np.ndarray, centers: np.ndarray) -> np.ndarray:
    """Text-embedding-like vectors: clusters in a low-dimensional subspace plus a little isotropic noise."""
    out = np.empty((n, dim), dtype=np.float32)
    for lo in range(0, n, 100_000):
        m = min(100_000, n - lo)
        z = centers[rng.integers(0, len(centers), m)] + 0.6 * rng.standard_normal((m, basis.shape[0]), dtype=np.float32)
        v = z @ basis + 0.35 * rng.standard_normal((m, dim), dtype=np.float32)
        out[lo : lo + m] = v / np.linalg.norm(v, axis=1, keepdims=True)
    return out


def timed_search(index, queries: np.ndarray, k: int = 10) -> tuple[float, float, np.ndarray]:
    lat = []
    ids = np.empty((len(queries), k), dtype=np.int64)
    for i, q in enumerate(queries):
        t0 = time.perf_counter()
        _, found = index.search(q[None, :], k)
        lat.append(time.perf_counter() - t0)
        ids[i] = found[0]
    return pct(lat, 50), pct(lat, 95), ids


def recall_at(exact: np.ndarray, approx: np.ndarray) -> float:
    return float(np.mean([len(set(a) & set(e)) / len(e) for a, e in zip(approx, exact, strict=True)]))


@dataclass(frozen=True)
class ScaleRow:
    """One index type at one size of the scale curve; ``skipped`` says why it was not measured."""

    n: int
    index: str
    build_s: float = float("nan")
    p50: float = float("nan")
    p95: float = float("nan")
    mem_mb: float = float("nan")
    recall: float = float("nan")
    skipped: str | None = None


def scale_curve(sizes: list[int], *, dim: int, n_queries: int, hnsw_max: int) -> list[ScaleRow]:
    import faiss

    from vraagbaak.index.vectors import VectorStore

    def make_faiss_index(vectors: np.ndarray, index_type: str) -> faiss.Index:
        return VectorStore.build(vectors, index_type).index

    rng = np.random.default_rng(7)
    basis = rng.standard_normal((24, dim), dtype=np.float32)
    centers = 3 * rng.standard_normal((2000, 24), dtype=np.float32)
    queries = synthetic(n_queries, dim, rng, basis, centers)
    rows: list[ScaleRow] = []
    for n in sizes:
        data = synthetic(n, dim, rng, basis, centers)
        candidates = [("flat", lambda d: make_faiss_index(d, "flat"))]
        candidates.append(("hnsw32 (M 32, efC 80, efS 64)", lambda d: make_faiss_index(d, "hnsw32")))
        candidates.append(("ivf (nlist 1024, nprobe 16)", _ivf))
        exact = None
        for name, make in candidates:
            if "hnsw" in name and n > hnsw_max:
                rows.append(ScaleRow(n, name, skipped=f"build too slow for the bench budget at {n:,}"))
                continue
            faiss.omp_set_num_threads(CORES)  # builds use both cores
            t0 = time.perf_counter()
            index = make(data)
            build = time.perf_counter() - t0
            faiss.omp_set_num_threads(1)  # searches: one query on one thread, as in a worker
            p50, p95, ids = timed_search(index, queries)
            if exact is None:
                exact = ids
            mem = faiss.serialize_index(index).nbytes / 2**20
            row = ScaleRow(n, name, build_s=build, p50=p50, p95=p95, mem_mb=mem, recall=recall_at(exact, ids))
            rows.append(row)
            print(
                f"  {n:>9,} {name:32} build {build:6.1f} s  p50 {ms(p50):>7} ms  p95 {ms(p95):>7} ms  "
                f"{mem:8.0f} MB  recall@10 {row.recall:.3f}",
                flush=True,
            )
            del index
        del data
    faiss.omp_set_num_threads(CORES)
    return rows


def _ivf(data: np.ndarray):
    import faiss

    nlist = 1024
    quantizer = faiss.IndexFlatIP(data.shape[1])
    index = faiss.IndexIVFFlat(quantizer, data.shape[1], min(nlist, len(data) // 39), faiss.METRIC_INNER_PRODUCT)
    sample = data[np.random.default_rng(1).choice(len(data), min(len(data), 50_000), replace=False)]
    index.train(sample)
    index.add(data)
    index.nprobe = 16
    return index


# ---------------------------------------------------------------------- the run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=REPORT)
    parser.add_argument("--sizes", default="10000,100000,1000000", help="scale curve sizes")
    parser.add_argument("--hnsw-max", type=int, default=1_000_000, help="largest size with an HNSW build")
    parser.add_argument("--max-requests", type=int, default=600, help="per concurrency level")
    parser.add_argument("--max-seconds", type=float, default=20, help="per concurrency level")
    parser.add_argument("--levels", default="1,4,16")
    parser.add_argument(
        "--worker-ab",
        type=int,
        metavar="ROUNDS",
        help="only compare gthread with vraagbaak.service.worker.BufferingWorker, interleaved, on the built index",
    )
    args = parser.parse_args(argv)
    os.chdir(ROOT)
    if args.worker_ab:
        return worker_ab(args.worker_ab, [int(x) for x in args.levels.split(",")], args.max_seconds)
    started = time.perf_counter()
    load_before = os.getloadavg()
    qs = questions()

    from vraagbaak.corpus import DEFAULT_CORPUS
    from vraagbaak.index.build import build_index
    from vraagbaak.index.embedders import from_spec
    from vraagbaak.index.search import Searcher
    from vraagbaak.index.store import load_index
    from vraagbaak.settings import Settings

    settings = Settings.load()
    workers = int(os.environ.get("WEB_CONCURRENCY", "1"))  # the default of vraagbaak.service.gunicorn_conf
    worker_threads = max(1, CORES // workers)
    tmp = Path(tempfile.mkdtemp(prefix="vraagbaak-bench-"))
    index_dir = tmp / "index"

    print(f"[1/4] index build of {DEFAULT_CORPUS.name}", flush=True)
    builder = from_spec(settings.embedder, num_threads=CORES)
    t0 = time.perf_counter()
    manifest = build_index(
        DEFAULT_CORPUS, index_dir, builder, split=settings.split, index_type=settings.retrieval.index_type
    )
    build_s = time.perf_counter() - t0
    del builder
    print(f"  {manifest.passage_count} passages, {manifest.sentence_count} sentences in {build_s:.1f} s")

    print(f"[2/4] floor and in-process search ({len(qs)} gold questions, {worker_threads} embedder thread(s))")
    embedder = from_spec(settings.embedder, num_threads=worker_threads)
    searcher = Searcher(load_index(index_dir), embedder, settings.retrieval)
    for q in qs[:5]:
        searcher.search(q)  # warm up
    # The floor is all the encoding the configured search does per question: the dense embedding,
    # plus the sparse head's second pass when hybrid search uses it (sparse_weight > 0).
    sparse_pass = searcher.uses_sparse and settings.retrieval.mode == "hybrid"
    floor = []
    for q in tqdm(qs, desc="floor (embed)", leave=False):
        t0 = time.perf_counter()
        embedder.embed_query(q)
        if sparse_pass:
            embedder.sparse_query(q)
        floor.append(time.perf_counter() - t0)
    inproc = []
    for q in tqdm(qs, desc="in-process search", leave=False):
        t0 = time.perf_counter()
        searcher.search(q, k=5)
        inproc.append(time.perf_counter() - t0)
    print(f"  floor p50 {ms(pct(floor, 50))} ms p95 {ms(pct(floor, 95))} ms; in-process p50 {ms(pct(inproc, 50))} ms")
    del searcher, embedder

    print(f"[3/4] production server: gunicorn {' '.join(GUNICORN_ARGS)}", flush=True)
    server = Server(index_dir)
    procs = [server.proc.pid, *server.workers]
    rss = {pid: rss_mb(pid) for pid in procs}
    print(f"  ready (first /readyz 200) {server.first_ready:.2f} s, all workers loaded {server.all_ready:.2f} s")
    try:
        load(server.port, qs, concurrency=2, max_requests=20, max_seconds=10, desc="warm-up")
        single = load(server.port, qs, concurrency=1, max_requests=len(qs), max_seconds=120, desc="HTTP, 1 client")
        print(
            f"  HTTP p50 {ms(pct(single.latencies, 50))} ms p95 {ms(pct(single.latencies, 95))} ms, "
            f"errors {single.errors}"
        )
        levels = []
        for c in (int(x) for x in args.levels.split(",")):
            r = load(server.port, qs, concurrency=c, max_requests=args.max_requests, max_seconds=args.max_seconds)
            levels.append(r)
            print(
                f"  {c:>2} clients: {r.rps:6.1f} req/s  p50 {ms(pct(r.latencies, 50))} ms  "
                f"p99 {ms(pct(r.latencies, 99))} ms  errors {r.errors} {r.error_kinds or ''}  "
                f"({r.requests} requests, {r.seconds:.1f} s)"
            )
    finally:
        stop_s = server.stop()
    print(f"  SIGTERM -> exit in {stop_s:.2f} s (code {server.proc.returncode})")

    print(f"[4/4] scale curve (synthetic 384-d vectors): {args.sizes}", flush=True)
    sizes = [int(s) for s in args.sizes.split(",")]
    scale = scale_curve(sizes, dim=manifest.dim, n_queries=200, hnsw_max=args.hnsw_max)

    result = BenchResult(
        manifest=manifest,
        workers=workers,
        worker_threads=worker_threads,
        sparse_pass=sparse_pass,
        questions=len(qs),
        build_s=build_s,
        floor=floor,
        inproc=inproc,
        single=single,
        levels=levels,
        first_ready=server.first_ready,
        all_ready=server.all_ready,
        rss=rss,
        stop_s=stop_s,
        scale=scale,
        load_before=load_before[0],
        load_after=os.getloadavg()[0],
        total_s=time.perf_counter() - started,
    )
    report = render(result)
    args.out.write_text(report, encoding="utf-8")
    print()
    print(report)
    print(f"written to {args.out} in {result.total_s:.0f} s")
    return 0


def worker_ab(rounds: int, levels: list[int], seconds: float) -> int:
    """GET /api/search req/s and p50 of plain gthread against vraagbaak.service.worker.BufferingWorker.

    Both servers run side by side on the configured index (``make index``); each round measures
    every level on both, in alternating order, so a busy neighbour on a shared machine slows both
    alike. Printed per round, then the medians and the median of the per-round ratios.
    """
    from vraagbaak.settings import Settings

    index_dir = Settings.load().index_dir
    qs = questions()
    arrangements = {"gthread": ("-k", "gthread"), "BufferingWorker": ()}
    servers = {name: Server(index_dir, args=a) for name, a in arrangements.items()}
    rows: dict[tuple[str, int], list[tuple[float, float]]] = {}
    try:
        for server in servers.values():
            load(server.port, qs, concurrency=2, max_requests=40, max_seconds=10, desc="warm-up")
        for i in range(rounds):
            order = list(servers) if i % 2 == 0 else list(reversed(servers))
            for c in levels:
                for name in order:
                    r = load(servers[name].port, qs, concurrency=c, max_requests=100_000, max_seconds=seconds)
                    rows.setdefault((name, c), []).append((r.rps, pct(r.latencies, 50)))
                    print(
                        f"round {i + 1} {name:>15} {c:>2} clients: {r.rps:6.1f} req/s p50 {ms(pct(r.latencies, 50))} ms"
                        f" errors {r.errors}",
                        flush=True,
                    )
    finally:
        for server in servers.values():
            server.stop()
    print(f"\nmedians over {rounds} rounds of {seconds:g} s (load average now {os.getloadavg()[0]:.2f})")
    for c in levels:
        old, new = rows[("gthread", c)], rows[("BufferingWorker", c)]
        ratios = [n[0] / o[0] for o, n in zip(old, new, strict=True) if o[0]]
        summary = " | ".join(
            f"{name} {np.median([x[0] for x in got]):.1f} req/s p50 {ms(np.median([x[1] for x in got]))} ms"
            for name, got in (("gthread", old), ("BufferingWorker", new))
        )
        per_round = ", ".join(f"{x:.2f}" for x in ratios)
        print(f"{c:>2} clients: {summary} | req/s ratio {np.median(ratios):.3f} (per round {per_round})")
    return 0


@dataclass(frozen=True, kw_only=True)
class BenchResult:
    """Everything one ``make bench`` run measured; :func:`render` turns it into eval/bench.md."""

    manifest: Manifest
    workers: int
    worker_threads: int
    #: Whether the configured search runs the sparse head too (a second encoder pass per question).
    sparse_pass: bool
    questions: int
    build_s: float
    #: Seconds per question: the bare encoding (the floor), and in-process search.
    floor: list[float]
    inproc: list[float]
    #: One HTTP client asking every question once, then each concurrency level.
    single: LoadResult
    levels: list[LoadResult]
    first_ready: float
    all_ready: float
    #: RSS in MB per process id, the master first.
    rss: dict[int, float]
    stop_s: float
    scale: list[ScaleRow]
    load_before: float
    load_after: float
    total_s: float

    @property
    def floor_p50(self) -> float:
        return pct(self.floor, 50)

    @property
    def floor_rps(self) -> float:
        """What the floor allows: one embedding keeps worker_threads cores busy for floor_p50 seconds."""
        return CORES / (self.worker_threads * self.floor_p50)

    @property
    def errors(self) -> int:
        return self.single.errors + sum(x.errors for x in self.levels)


def render(r: BenchResult) -> str:
    """eval/bench.md: what was measured, then one table per question the benchmark answers."""
    m, floor50 = r.manifest, r.floor_p50
    http50, http95 = pct(r.single.latencies, 50), pct(r.single.latencies, 95)
    inproc50 = pct(r.inproc, 50)
    best = max(r.levels, key=lambda x: x.rps)
    met = best.rps >= 0.7 * r.floor_rps and r.errors == 0
    encoding = "dense embedding + sparse head, two encoder passes" if r.sparse_pass else "dense embedding"
    footprint = [
        [
            f"index build of the corpus ({m.passage_count} passages, {m.sentence_count} sentences, all cores)",
            f"{r.build_s:.1f} s",
        ],
        ["process start to first `/readyz` 200", f"{r.first_ready:.2f} s"],
        ["process start to every worker loaded", f"{r.all_ready:.2f} s"],
        *(
            [f"RSS {'master' if i == 0 else f'worker {i}'} (pid {pid})", f"{size:.0f} MB"]
            for i, (pid, size) in enumerate(r.rss.items())
        ),
        ["SIGTERM to exit (idle)", f"{r.stop_s:.2f} s"],
    ]
    scale = [
        [f"{x.n:,}", x.index, "—", "—", "—", "—", f"skipped: {x.skipped}"]
        if x.skipped
        else [f"{x.n:,}", x.index, f"{x.build_s:.1f}", ms(x.p50), ms(x.p95), f"{x.mem_mb:.0f}", f"{x.recall:.3f}"]
        for x in r.scale
    ]
    return "\n".join(
        [
            "# Vraagbaak benchmarks",
            "",
            f"Generated by `make bench` on {platform.node() or 'this machine'}: {CORES} cores, Python "
            f"{platform.python_version()}, embedder {m.embedder} ({m.model_id}), index `{m.index_type}`, "
            f"{m.passage_count} passages. Production server: `gunicorn {' '.join(GUNICORN_ARGS)}`, "
            f"{r.workers} workers, {r.worker_threads} embedder thread(s) each. Client and server share the "
            f"machine. Whole run: {r.total_s:.0f} s. Load average (1 min) {r.load_before:.1f} at the start, "
            f"{r.load_after:.1f} at the end: above {CORES} means other work shared the cores and the "
            "figures are pessimistic. Figures, not assertions: they vary from run to run.",
            "",
            "## Floor ratio",
            "",
            f"The floor is the bare encoding of a question with the configured model ({encoding}), "
            f"on one worker's {r.worker_threads} thread(s); {r.questions} gold questions, one client.",
            "",
            table(
                ["measure", "p50 ms", "p95 ms", "× floor p50"],
                [
                    ["floor: embed the question", ms(floor50), ms(pct(r.floor, 95)), "1.00"],
                    [
                        "in-process search (embed + FAISS + BM25 + fusion + highlight)",
                        ms(inproc50),
                        ms(pct(r.inproc, 95)),
                        f"{inproc50 / floor50:.2f}",
                    ],
                    ["HTTP end to end, 1 client, keep-alive", ms(http50), ms(http95), f"{http50 / floor50:.2f}"],
                ],
                align="lrrr",
            ),
            "",
            f"Target HTTP p50 ≤ 1.5 × floor: **{http50 / floor50:.2f} ×, "
            f"{'met' if http50 <= 1.5 * floor50 else 'NOT met'}**.",
            "",
            "## Throughput",
            "",
            f"Closed-loop clients on 127.0.0.1 asking the gold questions in turn, each level bounded by "
            f"requests and seconds. One embedding keeps {r.worker_threads} core(s) busy for {ms(floor50)} ms, so "
            f"the floor allows {CORES} cores / ({r.worker_threads} × {ms(floor50)} ms) = {r.floor_rps:.1f} req/s.",
            "",
            table(
                ["clients", "requests", "errors", "req/s", "of floor-allowed", "p50 ms", "p99 ms"],
                [
                    [
                        str(x.concurrency),
                        str(x.requests),
                        str(x.errors),
                        f"{x.rps:.1f}",
                        f"{x.rps / r.floor_rps:.0%}",
                        ms(pct(x.latencies, 50)),
                        ms(pct(x.latencies, 99)),
                    ]
                    for x in r.levels
                ],
                align="rrrrrrr",
            ),
            "",
            f"Target ≥ 70 % of the floor-allowed throughput with 0 errors: best {best.rps:.1f} req/s = "
            f"**{best.rps / r.floor_rps:.0%}** at {best.concurrency} clients, {r.errors} errors: "
            f"**{'met' if met else 'NOT met'}**.",
            "",
            "## Cold start and footprint",
            "",
            table(["measure", "value"], footprint, align="lr"),
            "",
            "## Scale curve",
            "",
            "Synthetic 384-d vectors (clusters in a 24-d subspace plus noise, normalised), 200 synthetic "
            "questions, k = 10, one query at a time on one thread; builds on all cores. Memory is the serialised "
            "index. Recall@10 is against exact (flat) search on the same vectors.",
            "",
            table(
                ["passages", "index", "build s", "p50 ms", "p95 ms", "memory MB", "recall@10"], scale, align="rlrrrrr"
            ),
            "",
            f"For comparison: the floor (question embedding) is {ms(floor50)} ms p50.",
            "",
        ]
    )


if __name__ == "__main__":
    raise SystemExit(main())
