import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.ts';

/**
 * The on-call rota, the live session board's event log and the session channel (docs/live-board.md).
 *
 * - `users.phone`: a contact number in E.164 form, set by the user on their account; the board shows the patient's
 *   and the sitter's.
 * - `on_call_shifts`: who is on call (and their backup) between two instants; the zone the administrator entered the
 *   wall times in is kept for display. Two live (not cancelled) shifts never overlap: a trigger takes a transaction
 *   advisory lock, so concurrent inserts are checked one after the other, and looks for a clash (the same on
 *   PostgreSQL and the embedded PGlite, which has no btree_gist for an exclusion constraint). A clash is an
 *   exclusion violation (23P01) naming the conflicting shift in its detail.
 * - `live_events`: one row per change to a live session, written in the transaction of the change; each insert is
 *   announced with `pg_notify('keel_live', id)`, and every server process also polls the table, so an event
 *   reaches the board stream of every process. Pruned after 24 hours.
 * - `session_channel_messages`: the short messages of a session's channel (patient, sitter, clinicians).
 * - `alerts.on_call_notified`: who was on call (primary, backup) when the alert was raised or escalated, and was
 *   told.
 */
export async function up(db: Kysely<Database>): Promise<void> {
  await sql`
    ALTER TABLE users ADD COLUMN phone text CHECK (phone IS NULL OR phone ~ '^\\+[1-9][0-9]{6,14}$');

    CREATE TABLE on_call_shifts (
      id uuid PRIMARY KEY,
      clinician_id uuid NOT NULL REFERENCES users(id),
      backup_clinician_id uuid REFERENCES users(id),
      starts_at timestamptz NOT NULL,
      ends_at timestamptz NOT NULL,
      time_zone text NOT NULL,
      created_by uuid REFERENCES users(id),
      created_at timestamptz NOT NULL,
      cancelled_at timestamptz,
      cancelled_by uuid REFERENCES users(id),
      CHECK (ends_at > starts_at),
      CHECK (backup_clinician_id IS NULL OR backup_clinician_id <> clinician_id)
    );
    CREATE INDEX on_call_shifts_live_idx ON on_call_shifts (starts_at, ends_at) WHERE cancelled_at IS NULL;

    CREATE FUNCTION on_call_shifts_no_overlap() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      clash uuid;
    BEGIN
      IF NEW.cancelled_at IS NOT NULL THEN
        RETURN NEW;
      END IF;
      -- One writer of live shifts at a time: the next one waits here and then sees this one's row (READ COMMITTED
      -- takes a new snapshot for the query below).
      PERFORM pg_advisory_xact_lock(hashtext('keel:on_call_shifts'));
      SELECT id INTO clash FROM on_call_shifts
        WHERE cancelled_at IS NULL AND id <> NEW.id AND starts_at < NEW.ends_at AND ends_at > NEW.starts_at
        ORDER BY starts_at LIMIT 1;
      IF clash IS NOT NULL THEN
        RAISE EXCEPTION 'on-call shifts may not overlap'
          USING ERRCODE = '23P01', CONSTRAINT = 'on_call_shifts_no_overlap', DETAIL = clash::text;
      END IF;
      RETURN NEW;
    END
    $$;
    CREATE TRIGGER on_call_shifts_no_overlap BEFORE INSERT OR UPDATE ON on_call_shifts
      FOR EACH ROW EXECUTE FUNCTION on_call_shifts_no_overlap();

    CREATE TABLE live_events (
      id bigserial PRIMARY KEY,
      patient_id uuid NOT NULL REFERENCES patients(id),
      session_id uuid REFERENCES dosing_sessions(id),
      kind text NOT NULL,
      at timestamptz NOT NULL,
      payload jsonb NOT NULL DEFAULT '{}'::jsonb
    );
    CREATE INDEX live_events_at_idx ON live_events (at);

    CREATE FUNCTION live_events_notify() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify('keel_live', NEW.id::text);
      RETURN NEW;
    END
    $$;
    CREATE TRIGGER live_events_notify AFTER INSERT ON live_events FOR EACH ROW EXECUTE FUNCTION live_events_notify();

    CREATE TABLE session_channel_messages (
      id uuid PRIMARY KEY,
      patient_id uuid NOT NULL REFERENCES patients(id),
      session_id uuid NOT NULL REFERENCES dosing_sessions(id),
      author_id uuid NOT NULL REFERENCES users(id),
      author_role text NOT NULL,
      body text NOT NULL CHECK (length(body) BETWEEN 1 AND 2000),
      urgent boolean NOT NULL DEFAULT false,
      sent_at timestamptz NOT NULL,
      seq bigserial NOT NULL
    );
    CREATE INDEX session_channel_messages_session_idx ON session_channel_messages (session_id, sent_at, seq);

    ALTER TABLE alerts ADD COLUMN on_call_notified jsonb;
  `.execute(db);
}
