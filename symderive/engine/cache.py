"""On-disk cache of derivation results.

Entries are pickled :class:`~symderive.engine.model.DerivationResult` objects named by a key that
covers everything the result depends on (see :func:`symderive.engine.runner.cache_key`).  A missing,
truncated or otherwise unreadable entry is a miss: the derivation is rebuilt, never a fatal error.
Writes go to a temporary file that is renamed into place, so readers never see half an entry.
"""

from __future__ import annotations

import os
import pickle
import tempfile
from pathlib import Path

from symderive.engine.model import DerivationResult

CACHE_ENV = "SYMDERIVE_CACHE_DIR"
DEFAULT_CACHE_NAME = ".symderive-cache"


def default_cache_dir(project_root: Path) -> Path:
    """$SYMDERIVE_CACHE_DIR if set, else .symderive-cache/ at the project root."""
    configured = os.environ.get(CACHE_ENV)
    return Path(configured) if configured else project_root / DEFAULT_CACHE_NAME


class ResultCache:
    """A folder of pickled derivation results, one file per key."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)

    def _path(self, key: str) -> Path:
        return self.directory / f"{key}.pickle"

    def load(self, key: str) -> DerivationResult | None:
        """The cached result for key, or None if absent or unreadable."""
        try:
            with self._path(key).open("rb") as handle:
                result = pickle.load(handle)
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError,
                IndexError, TypeError, ValueError):
            return None
        return result if isinstance(result, DerivationResult) else None

    def store(self, key: str, result: DerivationResult) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=self.directory, suffix=".tmp")
        try:
            with os.fdopen(descriptor, "wb") as handle:
                pickle.dump(result, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, self._path(key))
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
