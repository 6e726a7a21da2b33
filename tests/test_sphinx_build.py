"""The strict parallel Sphinx build (analysis/sphinx_build.py): what makes its page
readers safe to run side by side."""

from __future__ import annotations

from filelock import FileLock, Timeout
from jupyter_cache.cache.main import JupyterCacheBase

from analysis import sphinx_build


def test_a_notebook_cache_write_holds_the_cache_folders_lock(tmp_path, monkeypatch):
    """While one reader writes to the notebook cache, no other can take the lock (and so
    no other write or trim runs between its record and its file)."""
    seen = []

    def write(self, bundle):
        try:
            FileLock(tmp_path / "write.lock").acquire(timeout=0)
            seen.append(("free", bundle))
        except Timeout:
            seen.append(("locked", bundle))
        return "record"

    monkeypatch.setattr(JupyterCacheBase, "cache_notebook_bundle", write)
    sphinx_build.cache_writes_one_at_a_time(tmp_path)
    assert JupyterCacheBase.cache_notebook_bundle(object(), "bundle") == "record"
    assert seen == [("locked", "bundle")]
    free = FileLock(tmp_path / "write.lock")
    free.acquire(timeout=0)  # released once the write is done
    free.release()
