"""Wire the pieces together: settings → storage → policies → decision engine."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from engine.decide import DecisionEngine
from engine.policyset import load_policy_set

from .bundle import BundleSource, bundle_source_of, first_load
from .engine_thread import EngineThread
from .regorus_backend import RegorusBackend
from .signing import KEY_FILE, KeyFileError, load_or_create_signer
from .storage.checkpointer import Checkpointer
from .storage.store import Store, sqlite_url

PROJECT_ROOT = Path(__file__).resolve().parents[1]

# Where `make serve` listens by default.
DEFAULT_PUBLIC_URL = "http://127.0.0.1:8181"


class SettingsError(ValueError):
    """An environment variable with a value govshare cannot use."""


def _env_number(name: str, default: str, kind: type = int) -> int | float:
    value = os.environ.get(name) or default
    try:
        number = kind(value)
    except ValueError:
        raise SettingsError(f"{name}={value!r}：应为{'整数' if kind is int else '数字'} / must be a{'n integer' if kind is int else ' number'}") from None
    if number < 0:
        raise SettingsError(f"{name}={value!r}：不得为负数 / must not be negative")
    return number


def _env_path(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    return Path(value) if value else default


@dataclass
class Settings:
    policy_dir: Path = field(default_factory=lambda: _env_path("GOVSHARE_POLICY_DIR", PROJECT_ROOT / "policies"))
    data_dir: Path = field(default_factory=lambda: _env_path("GOVSHARE_DATA_DIR", PROJECT_ROOT / "var"))
    database_url: str | None = field(default_factory=lambda: os.environ.get("GOVSHARE_DATABASE_URL") or None)
    seed_demo: bool = field(default_factory=lambda: os.environ.get("GOVSHARE_SEED_DEMO", "1") not in ("0", "false", "no"))
    # Off unless asked for: decisions rest on what govshare stores (README, "Inline state").
    accept_inline_state: bool = field(default_factory=lambda: os.environ.get("GOVSHARE_ACCEPT_INLINE_STATE", "0") not in ("0", "false", "no", ""))
    # JSON paths masked in logged inputs before hashing, like OPA's decision-log masking.
    log_mask: tuple[str, ...] = field(default_factory=lambda: tuple(p for p in os.environ.get("GOVSHARE_LOG_MASK", "").split(",") if p.strip()))
    data_poll_seconds: float = field(default_factory=lambda: _env_number("GOVSHARE_DATA_POLL_SECONDS", "0.5", float))
    # Decisions on catalogue and grant data not re-read from the database for
    # longer than this (the refresh keeps failing) are indeterminate, never allowed.
    max_data_age_seconds: float = field(default_factory=lambda: _env_number("GOVSHARE_MAX_DATA_AGE_SECONDS", "5", float))
    auth_enabled: bool = field(default_factory=lambda: os.environ.get("GOVSHARE_AUTH", "1") not in ("0", "false", "no"))
    bootstrap_token: str | None = field(default_factory=lambda: os.environ.get("GOVSHARE_BOOTSTRAP_TOKEN") or None)
    max_batch: int = field(default_factory=lambda: _env_number("GOVSHARE_MAX_BATCH", "1000"))
    max_json_depth: int = field(default_factory=lambda: _env_number("GOVSHARE_MAX_JSON_DEPTH", "32"))
    cache_size: int = field(default_factory=lambda: _env_number("GOVSHARE_CACHE_SIZE", "10000"))
    max_body_bytes: int = field(default_factory=lambda: _env_number("GOVSHARE_MAX_BODY_BYTES", str(1024 * 1024)))
    # A signed checkpoint of the ledger head every N entries or T seconds, whichever first (0: that trigger off).
    checkpoint_every: int = field(default_factory=lambda: _env_number("GOVSHARE_CHECKPOINT_EVERY", "1000"))
    checkpoint_seconds: float = field(default_factory=lambda: _env_number("GOVSHARE_CHECKPOINT_SECONDS", "60", float))
    # The checkpoints' Ed25519 signing key (PEM); default: ledger-signing-key.pem in the data directory.
    ledger_key: Path | None = field(default_factory=lambda: _env_path("GOVSHARE_LEDGER_KEY", None))
    # Move what is alive once the service has started (and after each data reload)
    # out of the garbage collector's reach (gc.freeze): a full collection then walks
    # only what requests made since, not the whole heap (~100 ms with the demo
    # catalogue, more with a large one, during which no other request is served).
    gc_freeze: bool = field(default_factory=lambda: os.environ.get("GOVSHARE_GC_FREEZE", "1") not in ("0", "false", "no"))
    # The service's public base URL, as clients reach it (behind any proxy). AuthZEN's
    # metadata publishes it as `policy_decision_point`; it is never taken from the
    # request's Host header. The spec wants https in production.
    public_url: str = field(default_factory=lambda: os.environ.get("GOVSHARE_PUBLIC_URL") or DEFAULT_PUBLIC_URL)
    # Where the console's impact report may read draft policies from (POST /v1/impact);
    # default: drafts/ in the data directory. Nothing outside it is ever read.
    drafts_dir: Path | None = field(default_factory=lambda: _env_path("GOVSHARE_DRAFTS_DIR", None))
    # Serve the policies of an OPA bundle (a file, or an http(s) URL polled with ETag)
    # instead of policy_dir; with a verification key (PEM), only bundles signed by it (docs/bundles.md).
    bundle: str | None = field(default_factory=lambda: os.environ.get("GOVSHARE_BUNDLE") or None)
    bundle_verification_key: Path | None = field(default_factory=lambda: _env_path("GOVSHARE_BUNDLE_VERIFICATION_KEY", None))
    bundle_key_id: str | None = field(default_factory=lambda: os.environ.get("GOVSHARE_BUNDLE_KEY_ID") or None)
    bundle_poll_seconds: float = field(default_factory=lambda: _env_number("GOVSHARE_BUNDLE_POLL_SECONDS", "10", float))

    @property
    def url(self) -> str:
        return self.database_url or sqlite_url(self.data_dir)

    @property
    def ledger_key_path(self) -> Path:
        return self.ledger_key or self.data_dir / KEY_FILE

    @property
    def drafts_root(self) -> Path:
        return self.drafts_dir or self.data_dir / "drafts"


@dataclass
class Service:
    settings: Settings
    store: Store
    engine: DecisionEngine
    # Runs every load and evaluation of the engine's backend (adapters/engine_thread.py).
    engine_thread: EngineThread | None = None
    # Where the policies come from when GOVSHARE_BUNDLE is set (adapters/bundle.py); None: policy_dir.
    bundle_source: BundleSource | None = None

    def backend(self) -> RegorusBackend:
        """A new backend for this service's engine, on its engine thread."""
        return RegorusBackend(self.engine_thread)


def build_service(settings: Settings | None = None) -> Service:
    """Open storage (seeding the demo catalogue on first start), load and check
    the policies, and build the engine. Raises PolicyError or StorageError."""
    settings = settings or Settings()
    store = Store(settings.url)
    try:  # the key is created on first start, so that every checkpoint is signed by it
        signer = load_or_create_signer(settings.ledger_key_path)
    except KeyFileError as exc:
        raise SettingsError(str(exc)) from None
    store.checkpointer = Checkpointer(store, signer, settings.checkpoint_every, settings.checkpoint_seconds)
    if settings.seed_demo:
        store.seed_demo()
    engine_thread = EngineThread()
    backend = RegorusBackend(engine_thread)
    bundle_source = bundle_source_of(settings)
    # Fail closed: a configured bundle that cannot be loaded stops the start (SettingsError), never an empty or packaged set.
    policies = first_load(bundle_source, backend) if bundle_source else load_policy_set(settings.policy_dir, backend)
    return Service(settings, store, DecisionEngine(policies, backend, store.snapshot(), settings.accept_inline_state, settings.cache_size),
                   engine_thread, bundle_source=bundle_source)


def reset_demo(service: Service) -> dict[str, list]:
    """Put the bundled demo catalogue entries and grants back as shipped (a demo
    grant suspended by a misuse becomes active again), in one transaction with a
    `demo_reset` ledger entry that lists what changed. The ledger itself is
    append-only and hash-chained: nothing in it is removed. Entries and grants
    added since, applications and usage records stay. Returns what changed."""
    from .lifecycle import LAW_VERSIONS
    from .storage.store import demo_catalog
    from .storage.tables import CatalogRow, GrantRow

    entries, grants = demo_catalog()

    def work(session) -> dict[str, list]:
        changed: dict[str, list] = {"catalog": [], "grants": []}
        for entry in entries:
            row = session.get(CatalogRow, entry.id, with_for_update=True)
            if row is None or row.body != entry.model_dump(mode="json", exclude_none=True):
                changed["catalog"].append(entry.id)
                Store.put_catalog_in(session, entry)
        for grant in grants:
            row = session.get(GrantRow, grant.id, with_for_update=True)
            if row is None or row.body != grant.model_dump(mode="json", exclude_none=True):
                changed["grants"].append({"grant": grant.id, "from": row.status if row else None, "to": grant.status.value})
                Store.put_grant_in(session, grant)
        if changed["catalog"] or changed["grants"]:
            Store.bump_generation(session)  # every worker of a running service reloads
            Store.append(session, "demo_reset", "demo", changed, policy_revision=service.engine.policies.revision,
                         law_version=LAW_VERSIONS, data_revision=service.engine.data_revision)
        return changed

    return service.store.transaction(work)
