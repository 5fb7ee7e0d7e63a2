import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.ts';

/**
 * Care continuity (docs/continuity.md): appointments and staff availability, integration coaching, the journal, secure
 * messaging, the support network, coordination of care with outside clinicians, and discharge.
 *
 * Double-booking is refused by the database on both engines. PGlite has no btree_gist, so an exclusion
 * constraint over time ranges is not available; instead every live appointment owns one row per 15-minute block
 * it occupies in `appointment_slots`, whose primary key is (staff_id, slot_start). Two overlapping appointments
 * of one staff member would share a block, and the second insert fails (under concurrency it waits for the first
 * transaction and then fails). A deferred constraint trigger checks at commit that a live appointment owns
 * exactly its blocks and a cancelled one owns none, so no code path can book without claiming its slots.
 */
export async function up(db: Kysely<Database>): Promise<void> {
  await sql`
    CREATE TABLE availability_weekly (
      id uuid PRIMARY KEY,
      staff_id uuid NOT NULL REFERENCES users(id),
      weekday smallint NOT NULL CHECK (weekday BETWEEN 0 AND 6),
      start_minute integer NOT NULL CHECK (start_minute BETWEEN 0 AND 1439 AND start_minute % 15 = 0),
      end_minute integer NOT NULL CHECK (end_minute BETWEEN 15 AND 1440 AND end_minute % 15 = 0),
      CHECK (end_minute > start_minute)
    );
    CREATE INDEX availability_weekly_staff_idx ON availability_weekly (staff_id, weekday);

    CREATE TABLE availability_exceptions (
      id uuid PRIMARY KEY,
      staff_id uuid NOT NULL REFERENCES users(id),
      on_date date NOT NULL,
      kind text NOT NULL CHECK (kind IN ('available', 'unavailable')),
      start_minute integer CHECK (start_minute BETWEEN 0 AND 1439 AND start_minute % 15 = 0),
      end_minute integer CHECK (end_minute BETWEEN 15 AND 1440 AND end_minute % 15 = 0),
      reason text,
      CHECK ((start_minute IS NULL AND end_minute IS NULL AND kind = 'unavailable')
          OR (start_minute IS NOT NULL AND end_minute IS NOT NULL AND end_minute > start_minute))
    );
    CREATE INDEX availability_exceptions_staff_idx ON availability_exceptions (staff_id, on_date);

    CREATE TABLE appointments (
      id uuid PRIMARY KEY,
      patient_id uuid NOT NULL REFERENCES patients(id),
      staff_id uuid NOT NULL REFERENCES users(id),
      kind text NOT NULL CHECK (kind IN ('initial_evaluation', 'clinician_follow_up', 'integration', 'sitter_orientation')),
      starts_at timestamptz NOT NULL,
      ends_at timestamptz NOT NULL,
      status text NOT NULL DEFAULT 'booked' CHECK (status IN ('booked', 'completed', 'cancelled', 'missed')),
      modality text NOT NULL CHECK (modality IN ('audio_video', 'in_person')),
      sitter_user_id uuid REFERENCES users(id),
      follow_up_id uuid REFERENCES follow_ups(id),
      series_id uuid,
      series_index integer,
      rescheduled_from_id uuid REFERENCES appointments(id),
      booked_by uuid NOT NULL REFERENCES users(id),
      created_at timestamptz NOT NULL,
      cancelled_at timestamptz,
      cancelled_by uuid REFERENCES users(id),
      cancel_reason text,
      status_changed_at timestamptz,
      status_changed_by uuid REFERENCES users(id),
      CHECK (ends_at > starts_at),
      CHECK (ends_at - starts_at <= interval '8 hours'),
      -- Appointments sit on the 15-minute grid the slot table uses.
      CHECK (mod(extract(epoch FROM starts_at)::bigint, 900) = 0 AND mod(extract(epoch FROM ends_at)::bigint, 900) = 0),
      CHECK ((status = 'cancelled') = (cancelled_at IS NOT NULL))
    );
    CREATE INDEX appointments_patient_idx ON appointments (patient_id, starts_at);
    CREATE INDEX appointments_staff_idx ON appointments (staff_id, starts_at);
    CREATE INDEX appointments_sitter_idx ON appointments (sitter_user_id, starts_at) WHERE sitter_user_id IS NOT NULL;
    CREATE INDEX appointments_follow_up_idx ON appointments (follow_up_id) WHERE follow_up_id IS NOT NULL;

    CREATE TABLE appointment_slots (
      staff_id uuid NOT NULL REFERENCES users(id),
      slot_start timestamptz NOT NULL CHECK (mod(extract(epoch FROM slot_start)::bigint, 900) = 0),
      appointment_id uuid NOT NULL REFERENCES appointments(id),
      patient_id uuid NOT NULL REFERENCES patients(id),
      PRIMARY KEY (staff_id, slot_start)
    );
    CREATE INDEX appointment_slots_appointment_idx ON appointment_slots (appointment_id);

    CREATE FUNCTION appointment_slots_consistent() RETURNS trigger LANGUAGE plpgsql AS $fn$
    DECLARE
      expected integer;
      owned integer;
      covering integer;
    BEGIN
      SELECT count(*), count(*) FILTER (
               WHERE s.staff_id = a.staff_id AND s.patient_id = a.patient_id
                 AND s.slot_start >= a.starts_at AND s.slot_start < a.ends_at)
        INTO owned, covering
        FROM appointment_slots s JOIN appointments a ON a.id = s.appointment_id
        WHERE s.appointment_id = NEW.id;
      SELECT CASE WHEN status = 'cancelled' THEN 0
                  ELSE (extract(epoch FROM ends_at - starts_at)::bigint / 900)::integer END
        INTO expected FROM appointments WHERE id = NEW.id;
      IF expected IS NULL THEN
        RETURN NULL;
      END IF;
      IF owned <> expected OR covering <> expected THEN
        RAISE EXCEPTION 'appointment % must own exactly its 15-minute slots (expected %, has %)', NEW.id, expected, owned
          USING ERRCODE = '23514';
      END IF;
      RETURN NULL;
    END;
    $fn$;
    CREATE CONSTRAINT TRIGGER appointments_slots_check
      AFTER INSERT OR UPDATE ON appointments
      DEFERRABLE INITIALLY DEFERRED
      FOR EACH ROW EXECUTE FUNCTION appointment_slots_consistent();

    CREATE TABLE appointment_reminders (
      id uuid PRIMARY KEY,
      appointment_id uuid NOT NULL REFERENCES appointments(id),
      patient_id uuid NOT NULL REFERENCES patients(id),
      offset_kind text NOT NULL CHECK (offset_kind IN ('24h', '1h')),
      due_at timestamptz NOT NULL,
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'cancelled')),
      processed_at timestamptz,
      UNIQUE (appointment_id, offset_kind)
    );
    CREATE INDEX appointment_reminders_due_idx ON appointment_reminders (due_at) WHERE status = 'pending';
    CREATE INDEX appointment_reminders_patient_idx ON appointment_reminders (patient_id);

    CREATE TABLE practices (
      id uuid PRIMARY KEY,
      slug text NOT NULL UNIQUE,
      category text NOT NULL CHECK (category IN ('journaling', 'breathing', 'mindfulness', 'movement')),
      title text NOT NULL,
      summary text NOT NULL,
      instructions text NOT NULL,
      minutes integer NOT NULL CHECK (minutes > 0),
      active boolean NOT NULL DEFAULT true
    );

    CREATE TABLE practice_assignments (
      id uuid PRIMARY KEY,
      patient_id uuid NOT NULL REFERENCES patients(id),
      practice_id uuid NOT NULL REFERENCES practices(id),
      assigned_by uuid NOT NULL REFERENCES users(id),
      assigned_at timestamptz NOT NULL,
      coaching_note_id uuid,
      frequency text,
      status text NOT NULL DEFAULT 'assigned' CHECK (status IN ('assigned', 'completed', 'withdrawn')),
      completed_at timestamptz,
      completion_note text
    );
    CREATE INDEX practice_assignments_patient_idx ON practice_assignments (patient_id, assigned_at);

    CREATE TABLE coaching_notes (
      id uuid PRIMARY KEY,
      patient_id uuid NOT NULL REFERENCES patients(id),
      coach_id uuid NOT NULL REFERENCES users(id),
      appointment_id uuid REFERENCES appointments(id),
      session_on date NOT NULL,
      themes text[] NOT NULL DEFAULT '{}',
      insights text NOT NULL,
      practices_assigned text[] NOT NULL DEFAULT '{}',
      next_steps text NOT NULL,
      created_at timestamptz NOT NULL
    );
    CREATE INDEX coaching_notes_patient_idx ON coaching_notes (patient_id, created_at);

    CREATE TABLE journal_entries (
      id uuid PRIMARY KEY,
      patient_id uuid NOT NULL REFERENCES patients(id),
      author_id uuid NOT NULL REFERENCES users(id),
      body text NOT NULL,
      prompt text,
      session_id uuid,
      shared_with_coach boolean NOT NULL DEFAULT false,
      shared_with_clinician boolean NOT NULL DEFAULT false,
      written_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL
    );
    CREATE INDEX journal_entries_patient_idx ON journal_entries (patient_id, written_at);
    CREATE INDEX journal_entries_session_idx ON journal_entries (patient_id, session_id) WHERE session_id IS NOT NULL;

    CREATE TABLE message_threads (
      id uuid PRIMARY KEY,
      patient_id uuid NOT NULL REFERENCES patients(id),
      subject text NOT NULL,
      created_by uuid NOT NULL REFERENCES users(id),
      created_at timestamptz NOT NULL,
      last_message_at timestamptz NOT NULL,
      -- The oldest patient message not yet answered by the care team; null when nothing waits.
      awaiting_reply_since timestamptz
    );
    CREATE INDEX message_threads_patient_idx ON message_threads (patient_id, last_message_at);

    CREATE TABLE messages (
      id uuid PRIMARY KEY,
      patient_id uuid NOT NULL REFERENCES patients(id),
      thread_id uuid NOT NULL REFERENCES message_threads(id),
      sender_id uuid NOT NULL REFERENCES users(id),
      sender_role text NOT NULL CHECK (sender_role IN ('patient', 'clinician', 'coach')),
      body text NOT NULL,
      urgent boolean NOT NULL DEFAULT false,
      urgent_categories text[] NOT NULL DEFAULT '{}',
      sent_at timestamptz NOT NULL,
      -- Set on the first care-team reply after a patient message: how long the patient waited.
      response_seconds integer CHECK (response_seconds >= 0)
    );
    CREATE INDEX messages_thread_idx ON messages (thread_id, sent_at);
    CREATE INDEX messages_patient_idx ON messages (patient_id, sent_at);

    CREATE TABLE message_reads (
      message_id uuid NOT NULL REFERENCES messages(id),
      user_id uuid NOT NULL REFERENCES users(id),
      patient_id uuid NOT NULL REFERENCES patients(id),
      read_at timestamptz NOT NULL,
      PRIMARY KEY (message_id, user_id)
    );
    CREATE INDEX message_reads_patient_idx ON message_reads (patient_id);

    CREATE TABLE support_contacts (
      id uuid PRIMARY KEY,
      patient_id uuid NOT NULL REFERENCES patients(id),
      name text NOT NULL,
      relationship text,
      phone text,
      email text,
      is_emergency_contact boolean NOT NULL DEFAULT true,
      note text,
      created_at timestamptz NOT NULL,
      removed_at timestamptz
    );
    CREATE INDEX support_contacts_patient_idx ON support_contacts (patient_id) WHERE removed_at IS NULL;

    CREATE TABLE resources_directory (
      id integer PRIMARY KEY CHECK (id = 1),
      version integer NOT NULL,
      items jsonb NOT NULL,
      updated_at timestamptz NOT NULL,
      updated_by uuid REFERENCES users(id)
    );

    CREATE TABLE outside_clinicians (
      id uuid PRIMARY KEY,
      patient_id uuid NOT NULL REFERENCES patients(id),
      kind text NOT NULL CHECK (kind IN ('psychiatrist', 'therapist', 'primary_care', 'other')),
      name text NOT NULL,
      organization text,
      phone text,
      fax text,
      email text,
      address text,
      created_at timestamptz NOT NULL,
      removed_at timestamptz
    );
    CREATE INDEX outside_clinicians_patient_idx ON outside_clinicians (patient_id);

    CREATE TABLE disclosure_consents (
      id uuid PRIMARY KEY,
      patient_id uuid NOT NULL REFERENCES patients(id),
      outside_clinician_id uuid NOT NULL REFERENCES outside_clinicians(id),
      purposes text[] NOT NULL CHECK (purposes <@ ARRAY['start_of_treatment', 'discharge_summary']::text[] AND cardinality(purposes) > 0),
      includes_substance_use boolean NOT NULL,
      expires_on date,
      granted_at timestamptz NOT NULL,
      signature_id uuid NOT NULL REFERENCES signatures(id),
      revoked_at timestamptz,
      revoked_by uuid REFERENCES users(id)
    );
    CREATE INDEX disclosure_consents_patient_idx ON disclosure_consents (patient_id, outside_clinician_id);

    CREATE TABLE disclosures (
      id uuid PRIMARY KEY,
      patient_id uuid NOT NULL REFERENCES patients(id),
      outside_clinician_id uuid NOT NULL REFERENCES outside_clinicians(id),
      consent_id uuid NOT NULL REFERENCES disclosure_consents(id),
      kind text NOT NULL CHECK (kind IN ('start_of_treatment', 'discharge_summary')),
      includes_substance_use boolean NOT NULL,
      disclosed_by uuid NOT NULL REFERENCES users(id),
      disclosed_at timestamptz NOT NULL,
      document bytea NOT NULL,
      document_sha256 text NOT NULL
    );
    CREATE INDEX disclosures_patient_idx ON disclosures (patient_id, disclosed_at);

    CREATE TABLE discharges (
      id uuid PRIMARY KEY,
      patient_id uuid NOT NULL REFERENCES patients(id),
      clinician_id uuid NOT NULL REFERENCES users(id),
      discharged_at timestamptz NOT NULL,
      reason text NOT NULL,
      summary jsonb NOT NULL,
      record jsonb NOT NULL,
      signature_id uuid NOT NULL REFERENCES signatures(id)
    );
    CREATE UNIQUE INDEX discharges_patient_key ON discharges (patient_id);

    INSERT INTO practices (id, slug, category, title, summary, instructions, minutes) VALUES
      (gen_random_uuid(), 'post-session-journaling', 'journaling', 'Post-session journaling',
       'Write down what came up during and after a session while it is fresh.',
       'Within a day of a session, write for ten minutes without editing: images, feelings, memories, and anything you want to bring to your next coaching session.', 10),
      (gen_random_uuid(), 'gratitude-journal', 'journaling', 'Three good things',
       'Notice three things that went well each day and why.',
       'Each evening, write three things that went well today and one sentence on why each happened.', 5),
      (gen_random_uuid(), 'box-breathing', 'breathing', 'Box breathing',
       'A steadying breath pattern for moments of stress.',
       'Breathe in for four counts, hold for four, breathe out for four, hold for four. Repeat for four minutes.', 4),
      (gen_random_uuid(), 'extended-exhale', 'breathing', 'Extended exhale',
       'Longer out-breaths to calm the body.',
       'Breathe in through the nose for four counts and out through the mouth for six to eight counts, for five minutes.', 5),
      (gen_random_uuid(), 'body-scan', 'mindfulness', 'Body scan',
       'Move attention slowly through the body, noticing without judging.',
       'Lie or sit comfortably. Move your attention from your feet to the top of your head, pausing on each area for a few breaths.', 15),
      (gen_random_uuid(), 'mindful-walk', 'mindfulness', 'Mindful walk',
       'A short walk paying attention to the senses.',
       'Walk slowly for ten minutes. Notice five things you see, four you hear, three you feel, two you smell, one you taste.', 10),
      (gen_random_uuid(), 'gentle-movement', 'movement', 'Gentle movement',
       'Light stretching or yoga to reconnect with the body.',
       'Spend fifteen minutes on gentle stretches you know are safe for you. Not on a session day until you are back to baseline.', 15),
      (gen_random_uuid(), 'daily-walk', 'movement', 'Daily walk outside',
       'Time outdoors and light activity support mood.',
       'Take a twenty-minute walk outside most days, at a pace where you can still talk.', 20);
  `.execute(db);
}
