"""The index on disk: schema, immutable generations with an atomic
``current``, the build, and Whoosh's write side (``whoosh_write``)."""
