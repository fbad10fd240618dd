"""PostgreSQL: hall_issue_tickets(), the batched plain-ticket write of the lean path

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# Tickets of one batch in one transaction (one commit, one WAL flush for all of them). The caller sorts
# the batch by category so two batches always lock counter rows in the same order (no deadlock). A
# number past 9999 is taken back and returned with a NULL id: the full path then reports it.
ISSUE_FUNCTION = """
CREATE OR REPLACE FUNCTION hall_issue_tickets(p_day text, p_cats text[], p_sources text[], p_terminals text[],
                                              p_tokens text[], p_now timestamptz, p_at text)
RETURNS TABLE (ticket_id integer, ticket_number text, line_waiting integer)
LANGUAGE plpgsql AS $$
DECLARE
  i integer;
  s integer;
  w integer;
BEGIN
  FOR i IN 1 .. coalesce(array_length(p_cats, 1), 0) LOOP
    INSERT INTO ticket_counters AS tc (hall_day, category, last_seq, waiting) VALUES (p_day, p_cats[i], 1, 1)
    ON CONFLICT (hall_day, category) DO UPDATE SET last_seq = tc.last_seq + 1, waiting = tc.waiting + 1
    RETURNING tc.last_seq, tc.waiting INTO s, w;
    IF s > 9999 THEN
      UPDATE ticket_counters SET last_seq = last_seq - 1, waiting = waiting - 1
       WHERE hall_day = p_day AND category = p_cats[i];
      ticket_id := NULL; ticket_number := NULL; line_waiting := NULL;
      RETURN NEXT;
      CONTINUE;
    END IF;
    ticket_number := p_cats[i] || CASE WHEN s < 1000 THEN lpad(s::text, 3, '0') ELSE s::text END;
    INSERT INTO tickets (number, seq, category, hall_day, status, source, issued_at, queue_at, call_count,
                         public_token, terminal_id)
    VALUES (ticket_number, s, p_cats[i], p_day, 'waiting', p_sources[i], p_now, p_now, 0, p_tokens[i],
            p_terminals[i])
    RETURNING id INTO ticket_id;
    line_waiting := w;
    PERFORM pg_notify('hall_events', json_build_object('type', 'ticket.issued', 'at', p_at, 'data',
      json_build_object('id', ticket_id, 'number', ticket_number, 'category', p_cats[i], 'priority', NULL,
                        'source', p_sources[i], 'waiting_ahead', w - 1))::text);
    RETURN NEXT;
  END LOOP;
END;
$$
"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(ISSUE_FUNCTION)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS "
                   "hall_issue_tickets(text, text[], text[], text[], text[], timestamptz, text)")
