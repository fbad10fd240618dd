"""The hall server's city-link loop: :class:`~hall.server.citylink.publish.Publisher` once a second.

A hall that has not joined pays one ``to_regclass`` a second. A failure (database restarting, a lock)
is logged once per kind of failure and retried next round; the hall's own work is never touched.
"""

from __future__ import annotations

import asyncio
import logging

from hall.server.citylink.publish import Publisher
from hall.server.core.context import HallContext
from hall.server.queue import order as queue

log = logging.getLogger(__name__)


def publish_once(hall: HallContext, publisher: Publisher) -> bool:
    """One refresh in its own transaction; True when the hall is joined and the rows were refreshed."""
    with hall.db.engine.begin() as conn:
        return publisher.publish(conn)


async def publish_forever(hall: HallContext) -> None:
    options = hall.options
    publisher = Publisher(name_zh=options.hall_name_zh, name_en=options.hall_name_en, timezone=options.timezone,
                          estimate=lambda cat, waiting: queue.estimate(hall, cat, waiting))
    last_failure = ""
    warned = False
    while True:
        try:
            await asyncio.to_thread(publish_once, hall, publisher)
            if publisher.code and options.hall_code and publisher.code != options.hall_code and not warned:
                log.warning("this hall joined the city as %s but hall.code is %s; the city sees %s",
                            publisher.code, options.hall_code, publisher.code)
                warned = True
            if last_failure:
                log.info("city summary published again")
            last_failure = ""
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - the hall keeps working whatever the city link does
            if exc.__class__.__name__ != last_failure:
                log.warning("city summary not published: %s", exc.__class__.__name__)
            last_failure = exc.__class__.__name__
        await asyncio.sleep(options.city_publish_interval_s)
