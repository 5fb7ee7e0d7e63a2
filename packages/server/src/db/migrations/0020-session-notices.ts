import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.ts';

/**
 * Session changes announced to every server process (auth/session-cache.ts): a session revoked, deleted or given
 * its second factor, and an account whose status, role, name, email, second factor or password changed, send a
 * `keel_auth` notice at commit (`session:<id>` or `user:<id>`); each process forgets what it cached for it. The
 * last-seen touch, which happens every few seconds of use, sends nothing.
 */
export async function up(db: Kysely<Database>): Promise<void> {
  await sql`
    CREATE FUNCTION auth_session_notice() RETURNS trigger LANGUAGE plpgsql AS $fn$
    BEGIN
      PERFORM pg_notify('keel_auth', 'session:' || OLD.id::text);
      RETURN NULL;
    END
    $fn$;
    CREATE TRIGGER auth_sessions_notice AFTER UPDATE OF revoked_at, mfa_verified, user_id, token_hash, expires_at OR DELETE
      ON auth_sessions FOR EACH ROW EXECUTE FUNCTION auth_session_notice();

    CREATE FUNCTION auth_user_notice() RETURNS trigger LANGUAGE plpgsql AS $fn$
    BEGIN
      PERFORM pg_notify('keel_auth', 'user:' || OLD.id::text);
      RETURN NULL;
    END
    $fn$;
    CREATE TRIGGER users_auth_notice AFTER UPDATE OF status, role, name, email, mfa_enabled, password_hash OR DELETE
      ON users FOR EACH ROW EXECUTE FUNCTION auth_user_notice();
  `.execute(db);
}
