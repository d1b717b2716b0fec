"""Digest e-mails: what is new for a watchlist, grouped, de-duplicated, rendered and sent.

- ``settings``: pure, the ``[[digests]]`` and ``[smtp]`` configuration.
- ``records``: pure, the records a digest is made of.
- ``schedule``: pure, when a digest is due and which period it covers.
- ``select``: pure, watchlist matching, relevance, one entry per story, grouping, what changed.
- ``render``: pure, subject, plain text and HTML (Jinja2, CSS inlined).
- ``message``: pure, the MIME message with its headers.
- ``send``: I/O, SMTP.
- ``delivery``: I/O, the outbox: plan a period, deliver it, retry with backoff.
- ``jobs``: the digest job of `tracker run`.
"""
