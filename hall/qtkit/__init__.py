"""The Qt kit shared by the kiosk, the counter, the calling display and the evaluation pad.

``ops`` runs blocking work off the GUI thread with callbacks on it (Anki's op pattern), ``bridge``
re-emits callbacks from other threads (events socket, devices) as signals on the GUI thread,
``window`` is the base of the hall's terminal windows and ``launch`` runs one of them as a program.
Depends on ``hall.client`` and Qt only; never on ``hall.server``, ``kiosk`` or ``devices``.
"""
