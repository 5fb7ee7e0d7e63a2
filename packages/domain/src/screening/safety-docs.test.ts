import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { eligibilityRules } from './eligibility.rules.ts';
import { screeningRuleIds } from './screening.types.ts';

const docs = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../docs/safety');

describe('screening rule documentation', () => {
  it.each(screeningRuleIds.map((id) => [id]))('%s has docs/safety/%s.md with rationale, source, threshold, outcome and tests', (id) => {
    const file = resolve(docs, `${id}.md`);
    expect(existsSync(file)).toBe(true);
    const text = readFileSync(file, 'utf8');
    for (const heading of ['## Rationale', '## Source', '## Default threshold and setting', '## Outcome', '## Tests']) expect(text).toContain(heading);
    expect(text).toContain(`# ${id}`);
  });

  it('every rule in the rule table has an id in the closed set, once', () => {
    const ids = eligibilityRules.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(screeningRuleIds).toContain(id);
  });
});
