"""Writing a whole index: postings gathered per term in memory, segments in parallel.

whoosh's SegmentWriter puts every posting into a sorting pool as a tuple, sorts
them all when the segment is written, and then reads each document's field
length back from the segment's length column, once per posting. Writing
10,000 documents spent more time there than in analysing them. ``Builder``
keeps each term's postings in a list as they come (documents arrive in docnum
order, so each list is already sorted), sorts only the terms, and takes the
lengths from memory; the files written are whoosh's own, read by whoosh.

A large index is written by several processes, each a contiguous share of the
documents into a segment of its own, and one table of contents lists them all:
the documents keep the order (and docnums) a single writer gives them.
"""
from __future__ import annotations

import multiprocessing
import traceback
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence

from whoosh.index import TOC, clean_files
from whoosh.util.numeric import byte_to_length, length_to_byte
from whoosh.writing import SegmentWriter

from ..content import parallel

# Below this many documents one process writes the index: starting others
# costs more than it saves.
PARALLEL_FROM = 2000
MAX_PROCESSES = 4


class _Pool:
    """Stands in for whoosh's posting pool: postings per (field, term), in memory,
    filled by ``Builder.add_document``."""

    def __init__(self):
        self.terms: dict[tuple[str, bytes], list] = defaultdict(list)

    def cleanup(self) -> None:
        self.terms.clear()


class Builder(SegmentWriter):
    """A SegmentWriter for a segment written in one go, faster; no merging.

    Documents are added as the portal's schema has them: no boosts, term
    vectors, spelling fields or custom stored values (whoosh's add_document
    handles those, one pooled tuple per posting)."""

    def __init__(self, ix, **kwargs):
        super().__init__(ix, _lk=False, **kwargs)
        self.pool = _Pool()
        # Per field, per docnum: the length as whoosh stores it (one byte) and reads back.
        self._lengths: dict[str, dict[int, int]] = defaultdict(dict)

    def add_document(self, **fields) -> None:
        self._check_state()
        schema, perdoc, docnum = self.schema, self.perdocwriter, self.docnum
        terms = self.pool.terms
        self._check_fields(schema, fields)
        perdoc.start_doc(docnum)
        for fieldname in sorted(fields):
            value = fields[fieldname]
            if value is None:
                continue
            field = schema[fieldname]
            length = 0
            if field.indexed:
                scorable = field.scorable
                for text, frequency, weight, encoded in field.index(value):
                    if scorable:
                        length += frequency
                    terms[fieldname, text].append((docnum, weight, encoded))
            if length:
                self._lengths[fieldname][docnum] = byte_to_length(length_to_byte(length))
            perdoc.add_field(fieldname, field, value if field.stored else None, length)
            column = field.column_type
            if column:
                perdoc.add_column_value(fieldname, column, field.to_column_value(value))
        perdoc.finish_doc()
        self._added = True
        self.docnum += 1

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        writer = self.fieldwriter
        schema = self.schema
        field = None
        for (fieldname, text), postings in sorted(self.pool.terms.items()):
            if fieldname != field:
                if field is not None:
                    writer.finish_field()
                writer.start_field(fieldname, schema[fieldname])
                field = fieldname
                lengths = self._lengths.get(fieldname, {})
            writer.start_term(text)
            add = writer.add
            for docnum, weight, value in postings:
                add(docnum, weight, value if value is not None else b"", lengths.get(docnum, 0))
            writer.finish_term()
        if field is not None:
            writer.finish_field()
        self.fieldwriter.close()
        self.pool.cleanup()

    def segment(self):
        """Write the segment's files and return whoosh's description of it."""
        return self._finalize_segment()


def processes(count: int) -> int:
    """How many processes should write an index of ``count`` documents: one in a gevent
    worker, which forks nothing (as for reading files in parallel)."""
    if count < PARALLEL_FROM or parallel.gevent_patched():
        return 1
    return max(1, min(parallel.processes(), MAX_PROCESSES, count // (PARALLEL_FROM // 2)))


def write_all(ix, documents: Callable[[object], dict], items: Sequence,
              words: Callable[[dict], set[str]], procs: int) -> Counter:
    """Add ``documents(item)`` of every item to the empty index ``ix`` and commit;
    returns in how many documents each word (``words(document)``) occurs, for spelling."""
    storage, name = ix.storage, ix.indexname
    # The writers' scratch directory, made once here rather than raced for by each.
    scratch = storage.temp_storage(f"{name}.tmp")
    try:
        shares = [items[len(items) * n // procs:len(items) * (n + 1) // procs]
                  for n in range(procs)]
        if procs == 1:
            results = [_share(ix, documents, shares[0], words)]
        else:
            results = _in_processes(ix, documents, shares, words)
        segments = [segment for segment, _ in results if segment is not None]
        vocabulary: Counter = Counter()
        for _, counted in results:
            vocabulary.update(counted)
        generation = ix.latest_generation() + 1
        TOC(ix.schema, segments, generation).write(storage, name)
        clean_files(storage, name, generation, segments)
    finally:
        scratch.destroy()
    return vocabulary


def _share(ix, documents, items, words) -> tuple[object, Counter]:
    builder = Builder(ix, compound=False)
    vocabulary: Counter = Counter()
    try:
        for item in items:
            document = documents(item)
            builder.add_document(**document)
            vocabulary.update(words(document))
        if not builder.doc_count():
            builder._close_segment()
            return None, vocabulary
        return builder.segment(), vocabulary
    except BaseException:
        builder._close_segment()
        raise


def _in_processes(ix, documents, shares, words) -> list[tuple[object, Counter]]:
    """Each share written by a child process (forked: it has the documents
    already); its segment and word counts come back through a pipe."""
    context = multiprocessing.get_context("fork")
    children = []
    for share in shares:
        receive, send = context.Pipe(duplex=False)
        child = context.Process(target=_child, args=(send, ix, documents, share, words),
                                daemon=True)
        child.start()
        send.close()
        children.append((child, receive))
    results, failures = [], []
    for child, receive in children:
        try:
            ok, value = receive.recv()
        except EOFError:
            ok, value = False, "the process writing part of the index ended without a word"
        finally:
            receive.close()
        child.join()
        if ok:
            results.append(value)
        else:
            failures.append(value)
    if failures:
        raise RuntimeError("writing the search index failed:\n" + "\n".join(failures))
    return results


def _child(send, ix, documents, share, words) -> None:
    try:
        result = (True, _share(ix, documents, share, words))
    except BaseException:
        result = (False, traceback.format_exc())
    send.send(result)
    send.close()
