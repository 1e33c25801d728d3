"""The one place that reads settings from the environment.

REFORM_DB          path of the DuckDB file (default: data/reform.duckdb in the project), or a DuckLake
                   catalog on PostgreSQL for several processes or machines:
                   ducklake:postgres:dbname=reform host=… port=… user=… (reform/lake.py)
REFORM_LAKE_DATA_PATH  folder of the lake's data files, the same on every machine (a shared folder);
                   needed when the catalog is created, read from the catalog afterwards
REFORM_DATA_DIR    folder with indicators.csv and the other reference tables
REFORM_AUTO_DEMO   "1" loads the demo province into an empty database on first start,
                   "0" never does; unset: only for the default database file
REFORM_LANG        interface language, "vi" (default) or "en"
REFORM_MAX_UPLOAD_MB  the largest file an upload may be, in MB (default: server.maxUploadSize of
                   .streamlit/config.toml, so the server lets through exactly what the app reads;
                   `make run` passes a value set here on to the server)
REFORM_AUTH        "oidc" (sign-in required) or "off" (everyone has every right); unset: "off" on the
                   demo database only, "oidc" on any other
"""

from __future__ import annotations

import functools
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = PROJECT_DIR / "data"
DEFAULT_DB = DEFAULT_DATA_DIR / "reform.duckdb"
QUERIES_DIR = PROJECT_DIR / "queries"
SERVER_CONFIG = PROJECT_DIR / ".streamlit" / "config.toml"


def server_upload_mb() -> float:
    """server.maxUploadSize of the dashboard's server configuration: the one default of both limits."""
    return _server_upload_mb(SERVER_CONFIG)


@functools.lru_cache(maxsize=4)
def _server_upload_mb(path: Path) -> float:
    with path.open("rb") as f:
        return float(tomllib.load(f)["server"]["maxUploadSize"])


def database(text: str) -> Path | str:
    """A --db or REFORM_DB value as db.connect takes it: a DuckLake target as written, a file resolved."""
    if text.startswith("ducklake:"):
        return text
    return Path(text).expanduser().resolve()


@dataclass(frozen=True)
class Settings:
    db_path: Path | str  # a file, or a DuckLake target "ducklake:postgres:…" (see database())
    lake_data_path: Path | None
    data_dir: Path
    auto_demo: bool
    lang: str
    max_upload_bytes: int
    auth: str  # "oidc", "off", or "" (unset: off only on the demo database)


ENVIRONMENT = (
    "REFORM_DB",
    "REFORM_LAKE_DATA_PATH",
    "REFORM_DATA_DIR",
    "REFORM_AUTO_DEMO",
    "REFORM_LANG",
    "REFORM_MAX_UPLOAD_MB",
    "REFORM_AUTH",
)


def settings() -> Settings:
    """Current settings, read from the environment at each call."""
    # every interface string asks for the language: resolving paths each time was a quarter of a page's
    # rerun under load (bench/load_bench.py --profile), so the result is kept per set of variables
    # (relative paths resolve against the working folder: it is part of the key)
    return _settings(os.getcwd(), tuple(os.environ.get(name) for name in ENVIRONMENT))


def lang() -> str:
    """The interface language alone (REFORM_LANG, "vi" by default): asked by every interface string."""
    return (os.environ.get("REFORM_LANG") or "vi").strip().lower() or "vi"


@functools.lru_cache(maxsize=16)
def _settings(cwd: str, environment: tuple[str | None, ...]) -> Settings:
    env = {name: value for name, value in zip(ENVIRONMENT, environment, strict=True) if value is not None}
    db_path = database(env.get("REFORM_DB") or str(DEFAULT_DB))
    lake_data = env.get("REFORM_LAKE_DATA_PATH")
    data_dir = Path(env.get("REFORM_DATA_DIR") or DEFAULT_DATA_DIR).expanduser().resolve()
    flag = env.get("REFORM_AUTO_DEMO")
    auto_demo = db_path == DEFAULT_DB.resolve() if flag is None else flag.strip() == "1"
    lang = (env.get("REFORM_LANG") or "vi").strip().lower() or "vi"
    max_mb = float(env.get("REFORM_MAX_UPLOAD_MB") or server_upload_mb())
    auth = env.get("REFORM_AUTH", "").strip().lower()
    auth = auth if auth in ("", "off") else "oidc"  # anything but "off" asks for sign-in
    return Settings(
        db_path=db_path,
        lake_data_path=Path(lake_data).expanduser().resolve() if lake_data else None,
        data_dir=data_dir,
        auto_demo=auto_demo,
        lang=lang,
        max_upload_bytes=int(max_mb * 1024 * 1024),
        auth=auth,
    )
