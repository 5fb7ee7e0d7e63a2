import { describe, expect, it } from 'vitest';
import { instrumentCodes, listInstruments } from './instrument-registry.ts';

describe('instrument definitions', () => {
  it('lists every code once, in a stable order', () => {
    expect(listInstruments().map((d) => d.code)).toEqual(['phq9', 'gad7', 'cssrs-screen', 'audit', 'audit-c', 'dast10', 'bladder', 'craving']);
    expect(instrumentCodes).toHaveLength(8);
  });

  it('serialise to JSON unchanged, in the GET /api/v1/instruments shape', () => {
    for (const def of listInstruments()) {
      const json = JSON.parse(JSON.stringify(def)) as unknown;
      expect(json).toEqual(def);
      expect(json).toMatchObject({ code: def.code, name: expect.any(String), version: expect.any(String) });
      for (const item of def.items) {
        expect(item.id).toMatch(/^[a-z0-9_]+$/);
        expect(item.text.length).toBeGreaterThan(0);
        expect(item.options.length).toBeGreaterThan(1);
        for (const o of item.options) {
          expect(['number', 'boolean']).toContain(typeof o.value);
          expect(typeof o.label).toBe('string');
          expect(Number.isFinite(o.points)).toBe(true);
        }
        expect(new Set(item.options.map((o) => o.value)).size).toBe(item.options.length);
      }
    }
  });

  it('have unique item ids, an attribution and instructions', () => {
    for (const def of listInstruments()) {
      expect(new Set(def.items.map((i) => i.id)).size).toBe(def.items.length);
      expect(def.attribution.length).toBeGreaterThan(10);
      expect(def.instructions.length).toBeGreaterThan(0);
    }
  });

  it('skip logic only refers to earlier items', () => {
    for (const def of listInstruments()) {
      def.items.forEach((item, index) => {
        const refs: string[] = [];
        const walk = (c: unknown): void => {
          if (c && typeof c === 'object' && 'anyOf' in c) (c as { anyOf: unknown[] }).anyOf.forEach(walk);
          else if (c && typeof c === 'object' && 'item' in c) refs.push((c as { item: string }).item);
        };
        walk(item.showIf);
        for (const ref of refs) expect(def.items.findIndex((i) => i.id === ref)).toBeLessThan(index);
      });
    }
  });

  it('total-banded instruments have bands that tile their range without gaps or overlaps', () => {
    for (const code of ['phq9', 'gad7', 'audit', 'dast10'] as const) {
      const def = listInstruments().find((d) => d.code === code);
      if (!def?.range) throw new Error(code);
      let next = def.range.min;
      for (const band of def.bands) {
        expect(band.min).toBe(next);
        next = (band.max ?? Number.NaN) + 1;
      }
      expect(next - 1).toBe(def.range.max);
    }
  });

  it('the scored maximum of each ranged instrument equals its declared range maximum', () => {
    for (const def of listInstruments()) {
      if (!def.range || def.code === 'bladder' || def.code === 'craving') continue;
      const max = def.items.filter((i) => i.scored).reduce((sum, i) => sum + Math.max(...i.options.map((o) => o.points)), 0);
      expect(max, def.code).toBe(def.range.max);
    }
  });

  it('carries the official wording of safety-critical items', () => {
    const phq9 = listInstruments().find((d) => d.code === 'phq9');
    expect(phq9?.items.find((i) => i.id === 'q9')?.text).toBe('Thoughts that you would be better off dead or of hurting yourself in some way');
    const cssrs = listInstruments().find((d) => d.code === 'cssrs-screen');
    expect(cssrs?.items.find((i) => i.id === 'q2')?.text).toContain('Have you actually had any thoughts of killing yourself?');
    expect(cssrs?.attribution).toContain('Columbia');
    expect(listInstruments().find((d) => d.code === 'dast10')?.attribution).toContain('Skinner');
    expect(listInstruments().find((d) => d.code === 'audit')?.attribution).toContain('World Health Organization');
  });
});
