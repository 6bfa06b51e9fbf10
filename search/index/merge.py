"""Which segments a commit merges: a log merge policy, as Lucene's.

Called by Whoosh's writer at commit (``whoosh_write.commit``), with the
segments the index holds.
"""

from __future__ import annotations

from whoosh.reading import SegmentReader

MERGE_FACTOR = 10


def merge_policy(writer, segments):
    """Which existing segments this commit rewrites into its new one.

    Merging costs about what writing the postings did in the first place, so
    big segments are left alone and one changed file stays cheap: segments
    are merged ten of a size at a time (sizes by powers of ten, as Lucene's
    log merge policy does), and a segment is rewritten alone once half of
    it is deleted. A wholly deleted segment is simply dropped.
    """
    levels: dict[int, list] = {}
    for s in segments:
        levels.setdefault(len(str(s.doc_count_all())), []).append(s)
    merge = {id(s) for group in levels.values() if len(group) >= MERGE_FACTOR for s in group}
    merge |= {id(s) for s in segments if s.deleted_count() * 2 >= s.doc_count_all()}
    for s in segments:
        if id(s) in merge and s.doc_count() > 0:
            reader = SegmentReader(writer.storage, writer.schema, s)
            writer.add_reader(reader)
            reader.close()
    return [s for s in segments if id(s) not in merge]
