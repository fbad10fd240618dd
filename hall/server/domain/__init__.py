"""The hall's rules as plain Python: no web, ORM or Qt imports; time is always passed in (aware).

Entry points for the API/persistence layer:

- ``identity``: ``parse_id_number`` / ``id_number_problem`` (GB 11643, typed ``IdReason``),
  ``hash_id_number(raw, key=...)`` (HMAC-SHA256 for storage), ``mask_id_number``,
  ``parse_credit_code`` (GB 32100).
- ``hallday``: ``hall_day(at)`` and ``day_bounds(day)`` (Asia/Shanghai), ``format_ticket_number`` /
  ``parse_ticket_number`` (``A001``, ``A1000``, offline ``K1-A005``), ``plan_closing``.
- ``queue_policy``: ``QueueTicket``, ``QueuePolicy``, ``Window``, ``choose_next(window, tickets,
  policy, now, recent_calls)``, ``call_order``, ``explain``; ticket states from ``tickets``
  (``check_transition``, ``after_no_answer``, ``reinstate``, ``transfer``).
- ``queue_explain``: ``waiting_ahead``, ``explain``. ``wait_estimate``: ``estimate_wait_s``.
- ``errors``: ``DomainError`` tree (``code``, ``kind``, ``message_zh``/``message_en``, ``to_dict``).
"""
