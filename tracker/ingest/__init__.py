"""Ingest: the fetch orchestration, from a source that is due to its articles in the store.

``cadence`` (pure) says when a source is due; ``gather`` fetches what a source offers now;
``work`` runs the CPU-bound steps (parsing, extraction) in worker processes; ``pipeline``
sequences fetch -> parse -> extract -> store; ``probe`` looks at a URL before it becomes a
source; ``daemon`` wires the jobs of `tracker run`.
"""
