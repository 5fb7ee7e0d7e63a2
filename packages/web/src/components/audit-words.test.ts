import { describe, expect, it } from 'vitest';
import { auditActionWords } from './audit-words.ts';

describe('audit actions in words', () => {
  it.each([
    // A list read is a view, never a change: a patient reading their access log must not see "Changed".
    ['caseload.list', 'list', 'Viewed list'],
    ['review_queue.list', 'review_queue', 'Viewed the review queue'],
    ['alert_queue.list', 'alert_queue', 'Viewed the alert queue'],
    ['panel.read', 'panel', 'Looked at the patient panel'],
    ['discharge.download', 'discharge', 'Viewed the discharge summary'],
    ['program_settings.update', 'program_settings', 'Changed the program settings'],
    ['account.list', 'account', 'Looked at the accounts'],
  ])('%s on %s reads "%s"', (action, resourceType, words) => {
    expect(auditActionWords(action, resourceType)).toBe(words);
  });
});
