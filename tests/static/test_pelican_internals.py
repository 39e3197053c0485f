"""The Pelican code our build driver and plugins lean on, pinned.

``ra_incremental.writer`` subclasses Pelican's ``Writer``: it repeats the pagination loop of
``Writer.write_file`` (to key each page separately) and uses the ``_written_files`` and
``_overridden_files`` sets that ``Writer.__init__``/``_open_w`` keep; ``ra_incremental``
freezes URLs through ``Content``'s ``override_url``; ``ra_markdown`` swaps its reader in
through ``readers_init``, which ``Readers.__init__`` sends before it makes the readers.
``ra_incremental.resident`` (the preview's resident process) gives the readers its own cache
dict and file stamps (``FileDataCacher``/``FileStampDataCacher``'s ``_cache``,
``_filestamp_func``, ``_cache_path``, ``_cache_data_policy``), counts reads through
``cache_data``, re-reads a file as ``Pelican.run``'s generators would (``Readers.read_file``),
drops ``get_content``'s memoized entries of an object it updates in place and refreshes its
metadata links.
pyproject.toml allows only the Pelican minor version these were read against. When Pelican
changes any of them this test fails: read the new code, adjust ours, then record the new
digest here.
"""

from __future__ import annotations

import hashlib
import inspect
from importlib import metadata

import pelican
import pelican.cache
import pelican.contents
import pelican.readers
import pelican.writers
import pytest

#: the Pelican versions the code below was checked against (pyproject pins the same range)
TESTED = ("4.12.",)
#: sha256 (first 16 hex digits) of each function's source in those versions
PINNED = {
    "Writer.__init__": (pelican.writers.Writer.__init__, "2f892e0aa5e8eba8"),
    "Writer._open_w": (pelican.writers.Writer._open_w, "69700ea0b4668663"),
    "Writer.write_file": (pelican.writers.Writer.write_file, "6a604ad67bbeec99"),
    "Writer.write_feed": (pelican.writers.Writer.write_feed, "a3b5bc0d0a446c10"),
    "Readers.__init__": (pelican.readers.Readers.__init__, "3026099450bc1e15"),
    "Content.url": (pelican.contents.Content.url.fget, "7fd9b8dd55c6030b"),
    "Content.get_url_setting": (pelican.contents.Content.get_url_setting, "e0eb063bf0a5ae24"),
    "FileDataCacher.__init__": (pelican.cache.FileDataCacher.__init__, "0e94df62b258a9c2"),
    "FileStampDataCacher.__init__": (
        pelican.cache.FileStampDataCacher.__init__,
        "f37211462c4b3e80",
    ),
    "FileStampDataCacher.cache_data": (
        pelican.cache.FileStampDataCacher.cache_data,
        "1278c0b3c9b2ca32",
    ),
    "FileStampDataCacher.get_cached_data": (
        pelican.cache.FileStampDataCacher.get_cached_data,
        "9e22f9c49dede667",
    ),
    "Readers.read_file": (pelican.readers.Readers.read_file, "356c609e59c1b30a"),
    "Pelican.run": (pelican.Pelican.run, "296180f3ec4d7bff"),
    "Content.get_content": (pelican.contents.Content.get_content.func, "4e739d13a9818c9c"),
    "Content.refresh_metadata_intersite_links": (
        pelican.contents.Content.refresh_metadata_intersite_links,
        "3b1caecaf71617f3",
    ),
}


def test_pelican_is_a_tested_version() -> None:
    version = metadata.version("pelican")
    assert version.startswith(TESTED), f"Pelican {version}: re-check the functions in PINNED"


@pytest.mark.parametrize("name", sorted(PINNED))
def test_pelican_code_we_rely_on_is_unchanged(name: str) -> None:
    function, digest = PINNED[name]
    source = inspect.getsource(function)
    assert hashlib.sha256(source.encode()).hexdigest()[:16] == digest, (
        f"Pelican's {name} changed: check ra_incremental/ra_markdown against it"
    )


def test_writer_still_keeps_the_sets_we_use(tmp_path: object) -> None:
    writer = pelican.writers.Writer(str(tmp_path), settings={"RELATIVE_URLS": False})
    assert isinstance(writer._written_files, set)
    assert isinstance(writer._overridden_files, set)
