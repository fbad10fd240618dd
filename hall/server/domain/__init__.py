"""The hall's rules as plain Python: no web, ORM or Qt imports; time is always passed in (aware).

Entry points for the API/persistence layer (one module per concern, each with unit tests in
tests/unit/hall/domain/):

- ``identity``: ``parse_id_number`` / ``id_number_problem`` (GB 11643, typed ``IdReason``),
  ``hash_id_number(raw, key=...)`` (HMAC-SHA256 for storage), ``IdNumber.masked`` (the mask of
  ``config.privacy``), ``parse_credit_code`` (GB 32100).
- ``hallday``: ``hall_day(at)`` and ``day_bounds(day)`` (Asia/Shanghai), ``format_ticket_number`` /
  ``parse_ticket_number`` (``A001``, ``A1000``, offline ``K1-A005``), ``plan_closing``.
- ``tickets``: states and ``check_transition``, ``after_no_answer``, ``reinstate``, ``transfer``,
  ``QueueTicket`` and ``from_flat`` (one stored priority word → ``QueueTicket``).
- ``queue_policy``: ``QueuePolicy``, ``Window``, ``choose_next(window, tickets, policy, now,
  recent_calls)``, ``call_order``, ``explain``; ``queue_explain``: ``waiting_ahead``.
- ``wait_estimate``: ``estimate_wait_s`` / ``estimate_wait`` (EWMA × open windows).
- ``catalogue``: ``Category`` (hours, SLA, cap, ``check_can_issue``), ``ServiceItem``, ``Material``.
- ``rules``: ``check_quota``, ``check_booking_allowed`` (no-show booking pause).
- ``appointments``: booking codes, ``day_slots``, ``decide_check_in``, ``is_missed``.
- ``submissions``: registration codes, ``advance`` (status history), ``due_dates``;
  ``materials``: ``check_materials`` (一次性告知, 容缺); ``workdays``: holiday calendars.
- ``evaluations``: ``validate_evaluation``, ``follow_up_for``; ``notifications``: ``decide_notices``.
- ``codes``: check-charactered printable codes, ``public_token``.
- ``errors``: ``DomainError`` tree (``code``, ``kind``, ``message_zh``/``message_en``, ``to_dict``).
"""
