"""The "check" of plan-do-check-act: did the fix work? Exported tickets followed up, before versus after each was closed.

Modules, in the order data flows through them:

* :mod:`~analyzer.followup.status`: :class:`TicketStatus` and the offline status file (``--ticket-status FILE``).
* :mod:`~analyzer.followup.online`: statuses read from the trackers (``--check-tickets``), through each tracker
  module's ``status()`` in :mod:`analyzer.export`.
* :mod:`~analyzer.followup.compare`: the before/after arithmetic (mentions, share with a 95% interval, NPS cost) and the verdict.
* :mod:`~analyzer.followup.tickets`: the ``tickets`` table, the issues' ticket columns and the summary entry, for
  :func:`analyzer.pipeline.run_to_folder`.

Example:
    >>> from analyzer.followup.compare import verdict
    >>> verdict("open", 0, 0, float("nan"), float("nan"), min_comments=30)
    'still open'
"""
