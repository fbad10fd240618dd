"""The dashboard's arithmetic on its own: percentiles, SLA levels, the open-a-window suggestion,
the wait histogram, report rows and CSV escaping."""

from __future__ import annotations

import csv
import io

import pytest

from hall.server.dashboard.report import period_days, report_csv
from hall.server.dashboard.stats import CSV_COLUMNS, QueueState, Tally, assess, percentile, wait_histogram


def test_percentile_interpolates_like_numpy() -> None:
    assert percentile([], 0.5) is None
    assert percentile([7], 0.9) == 7
    assert percentile([1, 2, 3, 4], 0.5) == 2.5
    assert percentile(list(range(1, 11)), 0.9) == pytest.approx(9.1)


def test_assess_levels_and_suggestion() -> None:
    # 12 waiting × 300 s ÷ 2 windows = 1800 s predicted > 1200 s target: ceil(12×300/1200) = 3 → open 1 more.
    a = assess(QueueState(waiting=12, longest_wait_s=1300, sla_s=1200, service_s=300, open_windows=2))
    assert a["predicted_wait_s"] == 1800 and a["predicted_breach"] and a["breach"] and a["level"] == "breach"
    assert a["suggest_open"] == 1
    calm = assess(QueueState(waiting=2, longest_wait_s=100, sla_s=1200, service_s=300, open_windows=1))
    assert calm["level"] == "ok" and calm["suggest_open"] == 0 and calm["predicted_wait_s"] == 600
    warn = assess(QueueState(waiting=1, longest_wait_s=1000, sla_s=1200, service_s=None, open_windows=1))
    assert warn["level"] == "warn" and warn["service_s"] == 300
    # Nobody serving a queue with people in it: always suggest a window.
    none_open = assess(QueueState(waiting=1, longest_wait_s=5, sla_s=1200, service_s=60, open_windows=0))
    assert none_open["suggest_open"] == 1
    big = assess(QueueState(waiting=40, longest_wait_s=0, sla_s=600, service_s=300, open_windows=1))
    assert big["suggest_open"] == 19  # ceil(40×300/600) = 20 windows needed, 1 open


def test_assess_never_asks_for_more_windows_than_people_waiting() -> None:
    # 16 waiting, 1000 s handling, 10-minute target: ceil(16×1000/600) = 27 by the formula alone.
    a = assess(QueueState(waiting=16, longest_wait_s=30, sla_s=600, service_s=1000, open_windows=0))
    assert a["suggest_open"] == 16
    some = assess(QueueState(waiting=16, longest_wait_s=30, sla_s=600, service_s=1000, open_windows=5))
    assert some["suggest_open"] == 11
    # Every person already has a window: opening more cannot shorten anyone's wait.
    full = assess(QueueState(waiting=3, longest_wait_s=30, sla_s=120, service_s=300, open_windows=3))
    assert full["suggest_open"] == 0
    assert assess(QueueState(waiting=0, longest_wait_s=0, sla_s=60, service_s=900, open_windows=0))[
        "suggest_open"] == 0


def test_assess_status_follows_the_predicted_wait() -> None:
    # Predicted 1:32 against a 40-minute target while nobody has waited long yet: not 正常.
    late = assess(QueueState(waiting=23, longest_wait_s=60, sla_s=2400, service_s=240, open_windows=1))
    assert late["predicted_wait_s"] == 5520 and late["level"] == "predicted" and not late["breach"]
    near = assess(QueueState(waiting=7, longest_wait_s=60, sla_s=2400, service_s=300, open_windows=1))
    assert near["level"] == "warn" and near["suggest_open"] == 0  # 35 min of 40: amber, no window yet
    nobody = assess(QueueState(waiting=1, longest_wait_s=5, sla_s=1200, service_s=60, open_windows=0))
    assert nobody["level"] == "predicted"  # nobody will call it
    # What already happened still wins.
    assert assess(QueueState(waiting=1, longest_wait_s=2500, sla_s=2400, service_s=60, open_windows=1))[
        "level"] == "breach"


def test_wait_histogram_bins() -> None:
    h = wait_histogram([0, 299, 300, 1199, 3600, 99999, -5])
    assert h["labels"][0] == "0–5" and h["labels"][-1] == "60+"
    assert h["counts"] == [3, 1, 0, 1, 0, 0, 0, 2]


def test_tally_row() -> None:
    t = Tally()
    for status, wait, handling in (("done", 60, 300), ("done", 120, 100), ("no_show", 600, None),
                                   ("cancelled", None, None), ("waiting", None, None)):
        t.add_ticket(status, wait, handling)
    t.ratings.extend([5, 4, 1])
    row = t.row()
    assert row["tickets"] == 5 and row["served"] == 2 and row["no_show"] == 1 and row["cancelled"] == 1
    assert row["no_show_rate"] == round(1 / 3, 4)
    assert row["wait_p50_s"] == 120 and row["handling_avg_s"] == 200
    assert row["ratings"] == 3 and row["rating_avg"] == 3.33 and row["rating_bad"] == 1
    assert row["rating_good_rate"] == round(2 / 3, 4)
    assert Tally().row()["no_show_rate"] is None


def test_week_is_monday_to_sunday() -> None:
    from datetime import date

    assert period_days("week", date(2026, 11, 19)) == (date(2026, 11, 16), date(2026, 11, 22))
    assert period_days("day", date(2026, 11, 19)) == (date(2026, 11, 19), date(2026, 11, 19))


def test_csv_has_bom_columns_and_no_formulas() -> None:
    data = {"period_start": "2026-11-22", "period_end": "2026-11-22",
            "rows": [{"category": "A", "category_name": "=HYPERLINK(\"x\")", "tickets": 3, "wait_p50_s": None},
                     {"category": "ALL", "category_name": "合计", "tickets": 3, "no_show_rate": -0.5}]}
    text = report_csv(data)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert rows[1][CSV_COLUMNS.index("category_name")] == "'=HYPERLINK(\"x\")"
    assert rows[1][CSV_COLUMNS.index("wait_p50_s")] == ""
    assert rows[2][CSV_COLUMNS.index("no_show_rate")] == "-0.5"  # numbers stay numbers
