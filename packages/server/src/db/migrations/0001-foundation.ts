import { sql, type Kysely } from 'kysely';

/**
 * Identity, sessions, access relationships, the append-only hash-chained audit log, signatures, rate limits,
 * idempotency records, the notification outbox and program settings.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE users (
      id uuid PRIMARY KEY,
      email text NOT NULL,
      name text NOT NULL,
      role text NOT NULL CHECK (role IN ('patient', 'sitter', 'clinician', 'coach', 'admin')),
      status text NOT NULL DEFAULT 'active' CHECK (status IN ('invited', 'active', 'deactivated')),
      password_hash text,
      mfa_secret text,
      mfa_enabled boolean NOT NULL DEFAULT false,
      mfa_last_step bigint,
      state_licenses text[] NOT NULL DEFAULT '{}',
      dea_registration text,
      time_zone text NOT NULL DEFAULT 'America/New_York',
      is_demo boolean NOT NULL DEFAULT false,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      deactivated_at timestamptz
    );
    CREATE UNIQUE INDEX users_email_key ON users (lower(email));

    CREATE TABLE mfa_recovery_codes (
      id uuid PRIMARY KEY,
      user_id uuid NOT NULL REFERENCES users(id),
      code_hash text NOT NULL,
      used_at timestamptz
    );
    CREATE INDEX mfa_recovery_codes_user_idx ON mfa_recovery_codes (user_id);

    CREATE TABLE patients (
      id uuid PRIMARY KEY,
      user_id uuid NOT NULL UNIQUE REFERENCES users(id),
      name text NOT NULL,
      date_of_birth date NOT NULL,
      state text NOT NULL,
      sex_at_birth text CHECK (sex_at_birth IN ('female', 'male')),
      address text,
      status text NOT NULL DEFAULT 'intake'
        CHECK (status IN ('intake', 'submitted', 'approved', 'declined', 'active', 'discharged')),
      is_demo boolean NOT NULL DEFAULT false,
      created_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE auth_sessions (
      id uuid PRIMARY KEY,
      token_hash text NOT NULL UNIQUE,
      user_id uuid NOT NULL REFERENCES users(id),
      created_at timestamptz NOT NULL,
      last_seen_at timestamptz NOT NULL,
      idle_timeout_minutes integer NOT NULL,
      expires_at timestamptz NOT NULL,
      mfa_verified boolean NOT NULL DEFAULT false,
      revoked_at timestamptz,
      client_address text
    );
    CREATE INDEX auth_sessions_user_idx ON auth_sessions (user_id) WHERE revoked_at IS NULL;

    CREATE TABLE account_tokens (
      id uuid PRIMARY KEY,
      user_id uuid NOT NULL REFERENCES users(id),
      purpose text NOT NULL CHECK (purpose IN ('invitation', 'password_reset')),
      token_hash text NOT NULL UNIQUE,
      created_at timestamptz NOT NULL,
      expires_at timestamptz NOT NULL,
      used_at timestamptz,
      created_by uuid REFERENCES users(id)
    );

    CREATE TABLE care_team_members (
      id uuid PRIMARY KEY,
      patient_id uuid NOT NULL REFERENCES patients(id),
      user_id uuid NOT NULL REFERENCES users(id),
      member_role text NOT NULL CHECK (member_role IN ('clinician', 'coach')),
      is_primary boolean NOT NULL DEFAULT false,
      assigned_at timestamptz NOT NULL,
      assigned_by uuid REFERENCES users(id),
      unassigned_at timestamptz
    );
    CREATE UNIQUE INDEX care_team_active_key ON care_team_members (patient_id, user_id) WHERE unassigned_at IS NULL;
    CREATE INDEX care_team_user_idx ON care_team_members (user_id, patient_id) WHERE unassigned_at IS NULL;

    CREATE TABLE sitter_assignments (
      id uuid PRIMARY KEY,
      patient_id uuid NOT NULL REFERENCES patients(id),
      invite_email text NOT NULL,
      invite_name text NOT NULL,
      relationship text,
      sitter_user_id uuid REFERENCES users(id),
      status text NOT NULL CHECK (status IN ('invited', 'active', 'removed')),
      invite_token_hash text UNIQUE,
      invite_expires_at timestamptz,
      invited_by uuid NOT NULL REFERENCES users(id),
      created_at timestamptz NOT NULL,
      accepted_at timestamptz,
      removed_at timestamptz,
      removed_by uuid REFERENCES users(id)
    );
    CREATE INDEX sitter_assignments_patient_idx ON sitter_assignments (patient_id) WHERE status <> 'removed';
    CREATE INDEX sitter_assignments_sitter_idx ON sitter_assignments (sitter_user_id) WHERE status = 'active';

    CREATE TABLE rate_limits (
      key text PRIMARY KEY,
      window_started_at timestamptz NOT NULL,
      attempts integer NOT NULL
    );

    CREATE TABLE idempotency_keys (
      actor_id uuid NOT NULL,
      key text NOT NULL,
      route text NOT NULL,
      request_sha256 text NOT NULL,
      response_status integer NOT NULL,
      response_body jsonb NOT NULL,
      created_at timestamptz NOT NULL,
      PRIMARY KEY (actor_id, key)
    );

    CREATE TABLE signatures (
      id uuid PRIMARY KEY,
      signer_id uuid NOT NULL REFERENCES users(id),
      printed_name text NOT NULL,
      meaning text NOT NULL,
      signed_at timestamptz NOT NULL,
      record_type text NOT NULL,
      record_id uuid NOT NULL,
      record_sha256 text NOT NULL
    );
    CREATE INDEX signatures_record_idx ON signatures (record_type, record_id);

    CREATE TABLE notification_outbox (
      id uuid PRIMARY KEY,
      cause text NOT NULL UNIQUE,
      channel text NOT NULL CHECK (channel IN ('email', 'webhook')),
      recipient text NOT NULL,
      subject text NOT NULL,
      body text NOT NULL,
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
      attempts integer NOT NULL DEFAULT 0,
      last_error text,
      created_at timestamptz NOT NULL,
      sent_at timestamptz
    );
    CREATE INDEX notification_outbox_pending_idx ON notification_outbox (created_at) WHERE status = 'pending';

    CREATE TABLE program_settings (
      id integer PRIMARY KEY CHECK (id = 1),
      version integer NOT NULL,
      settings jsonb NOT NULL,
      updated_at timestamptz NOT NULL,
      updated_by uuid REFERENCES users(id)
    );

    -- The audit log: append-only (a trigger refuses UPDATE, DELETE and TRUNCATE) and hash-chained per chain key
    -- (the patient, or 'system'), so per-patient writes do not serialise on one global chain head.
    CREATE TABLE audit_chain_heads (
      chain_key text PRIMARY KEY,
      last_seq bigint NOT NULL,
      last_hash text NOT NULL
    );

    CREATE TABLE audit_log (
      id bigserial PRIMARY KEY,
      at timestamptz NOT NULL,
      actor_id uuid,
      actor_role text,
      action text NOT NULL,
      resource_type text NOT NULL,
      resource_id text,
      patient_id uuid,
      outcome text NOT NULL CHECK (outcome IN ('success', 'denied', 'failure')),
      request_id text,
      client_address text,
      detail jsonb NOT NULL DEFAULT '{}',
      chain_key text NOT NULL,
      seq bigint NOT NULL,
      prev_hash text NOT NULL,
      hash text NOT NULL,
      UNIQUE (chain_key, seq)
    );
    CREATE INDEX audit_log_patient_idx ON audit_log (patient_id, at);
    CREATE INDEX audit_log_actor_idx ON audit_log (actor_id, at);
    CREATE INDEX audit_log_at_idx ON audit_log (at);

    CREATE FUNCTION audit_row_digest(prev text, r audit_log) RETURNS text
    LANGUAGE sql IMMUTABLE AS $fn$
      SELECT encode(sha256(convert_to(concat_ws('|',
        prev, r.chain_key, r.seq::text,
        to_char(r.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
        coalesce(r.actor_id::text, ''), coalesce(r.actor_role, ''), r.action, r.resource_type,
        coalesce(r.resource_id, ''), coalesce(r.patient_id::text, ''), r.outcome,
        coalesce(r.request_id, ''), coalesce(r.client_address, ''), r.detail::text), 'UTF8')), 'hex')
    $fn$;

    CREATE FUNCTION audit_log_chain() RETURNS trigger LANGUAGE plpgsql AS $fn$
    DECLARE
      head audit_chain_heads%ROWTYPE;
    BEGIN
      NEW.chain_key := coalesce(NEW.patient_id::text, 'system');
      INSERT INTO audit_chain_heads (chain_key, last_seq, last_hash) VALUES (NEW.chain_key, 0, '')
        ON CONFLICT (chain_key) DO NOTHING;
      SELECT * INTO head FROM audit_chain_heads WHERE chain_key = NEW.chain_key FOR UPDATE;
      NEW.seq := head.last_seq + 1;
      NEW.prev_hash := head.last_hash;
      NEW.hash := audit_row_digest(head.last_hash, NEW);
      UPDATE audit_chain_heads SET last_seq = NEW.seq, last_hash = NEW.hash WHERE chain_key = NEW.chain_key;
      RETURN NEW;
    END
    $fn$;

    CREATE FUNCTION reject_modification() RETURNS trigger LANGUAGE plpgsql AS $fn$
    BEGIN
      RAISE EXCEPTION 'table % is append-only: % is not allowed', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
    END
    $fn$;

    CREATE TRIGGER audit_log_chain BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_chain();
    CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
      FOR EACH ROW EXECUTE FUNCTION reject_modification();
    CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
      FOR EACH STATEMENT EXECUTE FUNCTION reject_modification();
  `.execute(db);
}
