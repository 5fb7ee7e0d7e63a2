import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.ts';

/**
 * Sign-up by confirmation link (docs/security.md, "Sign-up"): a sign-up form is answered the same way whether or not
 * the email already has an account, so it cannot be used to find out who is a patient. The request waits here,
 * password already hashed, until the link in the email is followed; then the account is created.
 */
export async function up(db: Kysely<Database>): Promise<void> {
  await sql`
    CREATE TABLE signup_requests (
      id uuid PRIMARY KEY,
      email text NOT NULL,
      name text NOT NULL,
      date_of_birth text NOT NULL CHECK (date_of_birth ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'),
      state text NOT NULL,
      password_hash text NOT NULL,
      token_hash text NOT NULL UNIQUE,
      created_at timestamptz NOT NULL,
      expires_at timestamptz NOT NULL,
      used_at timestamptz,
      CHECK (expires_at > created_at)
    );
    CREATE INDEX signup_requests_email_idx ON signup_requests (lower(email)) WHERE used_at IS NULL;
  `.execute(db);
}
