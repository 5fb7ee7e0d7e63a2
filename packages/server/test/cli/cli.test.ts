import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';

const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/keel.mjs');
const keel = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, KEEL_LOG_LEVEL: 'silent', ...env }, timeout: 120_000 });

describe('keel CLI', () => {
  it('prints help listing every command', () => {
    const result = keel(['--help']);
    expect(result.status).toBe(0);
    for (const command of ['serve', 'migrate', 'seed-demo', 'create-user', 'audit-verify', 'audit-checkpoint', 'deactivate-demo', 'schema-snapshot']) expect(result.stdout).toContain(command);
  });

  it.each(['serve', 'migrate', 'seed-demo', 'create-user', 'audit-verify', 'schema-snapshot'])('has --help for %s', (command) => {
    const result = keel([command, '--help']);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`Usage: keel ${command === 'audit-verify' ? 'audit verify' : command}`);
  });

  it('exits non-zero with a clear message on an unknown command or option', () => {
    const unknown = keel(['frobnicate']);
    expect(unknown.status).toBe(64);
    expect(unknown.stderr).toMatch(/Unknown command "frobnicate"/);
    const badOption = keel(['migrate', '--colour']);
    expect(badOption.status).toBe(64);
    expect(badOption.stderr).toMatch(/--colour/);
  });

  it('validates create-user arguments before touching the database', () => {
    const noRole = keel(['create-user', '--email', 'x@example.test']);
    expect(noRole.status).toBe(64);
    expect(noRole.stderr).toMatch(/--role must be one of/);
    const patientRole = keel(['create-user', '--role', 'patient', '--email', 'x@example.test']);
    expect(patientRole.status).toBe(64);
    const badEmail = keel(['create-user', '--role', 'coach', '--email', 'not-an-email']);
    expect(badEmail.status).toBe(64);
    expect(badEmail.stderr).toMatch(/--email/);
  });

  it('stops on a bad configuration value, naming the variable', () => {
    const result = keel(['migrate'], { PORT: 'eighty' });
    expect(result.status).toBe(78);
    expect(result.stderr).toMatch(/PORT/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(ConfigError);
    expect(() => loadConfig({ KEEL_DEMO: 'maybe' })).toThrow(/KEEL_DEMO/);
  });

  it('migrates, creates a user with an invitation link, and verifies the audit chain on an embedded database', () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'keel-cli-'));
    const env = { KEEL_DATA_DIR: path.join(dataDir, 'data'), KEEL_MAIL_TRANSPORT: 'file', KEEL_MAIL_FILE: path.join(dataDir, 'mail.log') };
    const migrate = keel(['migrate'], env);
    expect(migrate.status).toBe(0);
    expect(migrate.stdout).toMatch(/Applied: 0001-foundation/);
    const created = keel(['create-user', '--role', 'clinician', '--email', 'dr.cli@example.test', '--name', 'Dr CLI', '--state-licenses', 'CA,NY'], env);
    expect(created.stderr).toBe('');
    expect(created.status).toBe(0);
    expect(created.stdout).toMatch(/accept-invitation#token=/);
    expect(fs.readFileSync(env.KEEL_MAIL_FILE, 'utf8')).toContain('dr.cli@example.test');
    const verify = keel(['audit', 'verify'], env);
    expect(verify.status).toBe(0);
    expect(verify.stdout).toMatch(/Audit log intact/);
    // A signed checkpoint exported now, and verification against it.
    const checkpoint = keel(['audit', 'checkpoint'], { ...env, KEEL_AUDIT_CHECKPOINT_FILE: path.join(dataDir, 'cp.jsonl') });
    expect(checkpoint.stdout).toMatch(/Exported a checkpoint of \d+ chain head/);
    const against = keel(['audit', 'verify', '--checkpoints', path.join(dataDir, 'cp.jsonl')], env);
    expect(against.stdout).toMatch(/Audit log intact: .* against \d+ checkpointed chain head/);
    expect(against.status).toBe(0);
  }, 240_000);
});
