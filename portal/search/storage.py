"""Index files read through memory maps: shared by every worker, copied by none.

whoosh reads a segment packed in one compound file through a map of it, but
hands each part to its readers as a private in-memory copy: at 10,000
documents about 55 MB per worker, and twice that while a worker moves to a
new generation. Generations are therefore written with one file per part
(``compound=False``), and each part is mapped read-only here: its pages
are the operating system's file cache, one copy for all the workers of a
machine (not counted in any worker's unique memory once two of them read
it), and nothing is read until a query needs it.
"""
from __future__ import annotations

import mmap
import os

from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import StructFile


class MappedStorage(FileStorage):
    # A compound segment (written elsewhere) is then read part by part from its
    # file, never copied whole into memory.
    supports_mmap = False

    def __init__(self, path: str):
        super().__init__(path, supports_mmap=False, readonly=True)

    def open_file(self, name, **kwargs):
        with open(self._fpath(name), "rb") as handle:
            if not os.fstat(handle.fileno()).st_size:  # an empty file cannot be mapped
                return super().open_file(name, **kwargs)
            mapped = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        return StructFile(mapped, name=name, **kwargs)
