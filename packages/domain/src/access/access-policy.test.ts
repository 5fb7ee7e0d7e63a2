import { describe, expect, it } from 'vitest';
import { can, canProgram, patientPolicy, patientResources, programResources, type Action, type Relation, type Role } from './access-policy.ts';
import { tableAllowsPatient, tableAllowsProgram, tabledPatientPairs, tabledProgramPairs } from './access-table.fixture.ts';

const roles: Role[] = ['patient', 'sitter', 'clinician', 'coach', 'admin'];
const relations: Relation[] = ['self', 'sitter', 'clinician', 'coach', 'reviewer', 'on_call', 'none'];
const actions: Action[] = ['read', 'write', 'sign', 'decide', 'authorize', 'share'];

describe('can', () => {
  it.each([
    ['patient', 'self', 'read', 'intake', 'allowed'],
    ['patient', 'self', 'write', 'intake', 'allowed'],
    ['patient', 'none', 'read', 'intake', 'denied'],
    ['sitter', 'sitter', 'read', 'session', 'allowed'],
    ['sitter', 'sitter', 'write', 'sitter_attestation', 'allowed'],
    ['sitter', 'sitter', 'read', 'journal', 'denied'],
    ['sitter', 'sitter', 'read', 'screening', 'denied'],
    ['sitter', 'sitter', 'read', 'intake', 'denied'],
    ['sitter', 'sitter', 'read', 'ledger', 'denied'],
    ['coach', 'coach', 'read', 'outcomes', 'allowed'],
    ['coach', 'coach', 'write', 'coaching_note', 'allowed'],
    ['coach', 'coach', 'read', 'ledger', 'denied'],
    ['coach', 'coach', 'read', 'screening', 'denied'],
    ['coach', 'coach', 'read', 'plan', 'denied'],
    ['coach', 'coach', 'read', 'journal', 'denied'],
    ['clinician', 'clinician', 'sign', 'plan', 'allowed'],
    ['clinician', 'clinician', 'decide', 'intake', 'allowed'],
    ['clinician', 'none', 'read', 'intake', 'denied'],
    ['admin', 'none', 'read', 'intake', 'denied'],
    ['admin', 'none', 'write', 'plan', 'denied'],
    ['patient', 'self', 'authorize', 'session', 'allowed'],
    ['sitter', 'sitter', 'authorize', 'session', 'denied'],
    ['patient', 'self', 'sign', 'plan', 'denied'],
    ['clinician', 'on_call', 'read', 'session', 'allowed'],
    ['clinician', 'on_call', 'write', 'session_channel', 'allowed'],
    ['clinician', 'on_call', 'read', 'plan', 'denied'],
    ['clinician', 'on_call', 'write', 'session', 'denied'],
    ['sitter', 'sitter', 'write', 'session_channel', 'allowed'],
    ['coach', 'coach', 'read', 'session_channel', 'denied'],
  ] as const)('%s with relation %s: %s %s is %s', (role, relation, action, resource, expected) => {
    expect(can({ role, relation }, action, resource).kind).toBe(expected);
  });

  it('lets an admin manage care teams and produce the records for inspection, and nothing else clinical', () => {
    expect(can({ role: 'admin', relation: 'none' }, 'write', 'care_team').kind).toBe('allowed');
    // A registrant answers an inspector's request for its prescribing records (docs/compliance-report.md).
    expect(can({ role: 'admin', relation: 'none' }, 'read', 'compliance_report').kind).toBe('allowed');
    expect(can({ role: 'admin', relation: 'none' }, 'write', 'compliance_report').kind).toBe('denied');
    for (const resource of patientResources.filter((r) => r !== 'care_team' && r !== 'compliance_report')) {
      for (const action of actions) expect(can({ role: 'admin', relation: 'none' }, action, resource).kind).toBe('denied');
    }
  });

  it('never honours a relationship that belongs to another role', () => {
    for (const role of roles.filter((r) => r !== 'admin')) {
      for (const relation of relations) {
        const matches =
          (role === 'patient' && relation === 'self') ||
          (role === 'sitter' && relation === 'sitter') ||
          (role === 'clinician' && (relation === 'clinician' || relation === 'reviewer' || relation === 'on_call')) ||
          (role === 'coach' && relation === 'coach');
        if (matches) continue;
        for (const resource of patientResources) {
          for (const action of actions) {
            expect(can({ role, relation }, action, resource).kind).toBe('denied');
          }
        }
      }
    }
  });

  it('gives the sitter only session-related resources', () => {
    const sitterReadable = patientResources.filter((r) => patientPolicy[r]?.read?.includes('sitter'));
    expect(sitterReadable.sort()).toEqual(
      ['adverse_event', 'patient_profile', 'session', 'session_channel', 'session_checklist', 'session_vitals', 'sitter_attestation', 'sitter_check'].sort(),
    );
  });

  it('lets an on-call clinician read the session and use its channel, and nothing else', () => {
    const onCallAllowed = patientResources.flatMap((r) => actions.filter((a) => can({ role: 'clinician', relation: 'on_call' }, a, r).kind === 'allowed').map((a) => `${a} ${r}`));
    expect(onCallAllowed.sort()).toEqual(['read session', 'read session_channel', 'write session_channel']);
  });

  it('lets a reviewer read the intake and its screening, and nothing else', () => {
    const reviewerAllowed = patientResources.flatMap((r) => actions.filter((a) => can({ role: 'clinician', relation: 'reviewer' }, a, r).kind === 'allowed').map((a) => `${a} ${r}`));
    expect(reviewerAllowed.sort()).toEqual(['read intake', 'read screening']);
  });

  it('gives the coach no medication or screening resource', () => {
    for (const r of ['intake', 'screening', 'assessment', 'plan', 'ledger', 'dispense', 'refill', 'risk', 'session'] as const) {
      for (const action of actions) expect(can({ role: 'coach', relation: 'coach' }, action, r).kind).toBe('denied');
    }
  });
});

describe('canProgram', () => {
  it.each([
    ['admin', 'read', 'audit_log', 'allowed'],
    ['clinician', 'read', 'audit_log', 'denied'],
    ['admin', 'write', 'program_settings', 'allowed'],
    ['clinician', 'write', 'program_settings', 'denied'],
    ['clinician', 'read', 'review_queue', 'allowed'],
    ['admin', 'read', 'review_queue', 'denied'],
    ['patient', 'read', 'panel', 'denied'],
    ['coach', 'read', 'panel', 'allowed'],
    ['admin', 'write', 'on_call_rota', 'allowed'],
    ['clinician', 'write', 'on_call_rota', 'denied'],
    ['clinician', 'read', 'on_call_rota', 'allowed'],
    ['clinician', 'read', 'on_call_gaps', 'denied'],
    ['clinician', 'read', 'live_board', 'allowed'],
    ['admin', 'read', 'live_board', 'denied'],
  ] as const)('%s: %s %s is %s', (role, action, resource, expected) => {
    expect(canProgram(role, action, resource).kind).toBe(expected);
  });
});

describe('the policy against the hand-written access table', () => {
  it('decides every role × relationship × resource × action exactly as the table says', () => {
    const mismatches: string[] = [];
    for (const role of roles)
      for (const relation of relations)
        for (const resource of patientResources)
          for (const action of actions) {
            const expected = tableAllowsPatient(role, relation, action, resource);
            const actual = can({ role, relation }, action, resource).kind === 'allowed';
            if (actual !== expected) mismatches.push(`${role}/${relation} ${action} ${resource}: policy ${actual ? 'allows' : 'denies'}`);
          }
    expect(mismatches).toEqual([]);
  });

  it('decides every role × program resource × action exactly as the table says', () => {
    const mismatches: string[] = [];
    for (const role of roles)
      for (const resource of programResources)
        for (const action of actions) {
          const expected = tableAllowsProgram(role, action, resource);
          const actual = canProgram(role, action, resource).kind === 'allowed';
          if (actual !== expected) mismatches.push(`${role} ${action} ${resource}: policy ${actual ? 'allows' : 'denies'}`);
        }
    expect(mismatches).toEqual([]);
  });

  it('keeps the sitter and the coach off the ledger writes (counts, corrections, disposals) and the loss report', () => {
    for (const resource of ['ledger', 'ledger_loss', 'dispense'] as const) {
      expect(can({ role: 'sitter', relation: 'sitter' }, 'write', resource).kind).toBe('denied');
      expect(can({ role: 'coach', relation: 'coach' }, 'write', resource).kind).toBe('denied');
    }
  });

  it('lists no pair twice and only real resources', () => {
    const known = new Set<string>([...patientResources, ...programResources]);
    for (const pair of [...tabledPatientPairs, ...tabledProgramPairs]) expect(known.has(pair.split(' ')[0]!)).toBe(true);
  });
});

describe('denial reasons', () => {
  // The reason goes to the audit row of a denial: each kind of refusal names itself.
  it('says why: no relationship, a relationship of another role, or an action the relationship does not allow', () => {
    expect(can({ role: 'sitter', relation: 'none' }, 'read', 'session')).toEqual({ kind: 'denied', reason: 'no relationship to this patient' });
    expect(can({ role: 'coach', relation: 'clinician' }, 'read', 'plan')).toEqual({ kind: 'denied', reason: 'relationship does not match role' });
    expect(can({ role: 'sitter', relation: 'sitter' }, 'write', 'ledger')).toEqual({ kind: 'denied', reason: 'sitter may not write ledger' });
    expect(canProgram('patient', 'read', 'audit_log')).toEqual({ kind: 'denied', reason: 'patient may not read audit_log' });
  });
});
