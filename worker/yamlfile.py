"""Reading the YAML data files (feeds, rules, webhooks) with errors that name the file."""

from __future__ import annotations

import pathlib
from typing import Any

import yaml

from worker.errors import ConfigError


def load_list(path: str | pathlib.Path, key: str) -> list[Any]:
    """The list under ``key`` in a YAML mapping; ConfigError naming the file otherwise.
    YAML errors carry line and column (PyYAML's ``problem_mark``)."""
    path = pathlib.Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read {key} file: {exc}") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get(key), list):
        raise ConfigError(f"{path}: expected a mapping with a '{key}:' list")
    return data[key]
