import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DependenceRisk } from '../screening/index.ts';
import { defaultMonitoringSettings } from './monitoring-settings.ts';
import type { RiskTierSettings } from './monitoring-settings.ts';
import { SIGNAL_CODES, riskTierRank } from './monitoring-types.ts';
import type { RiskTier, SignalSeverity } from './monitoring-types.ts';
import { riskTierTransition, rollUpRiskTier } from './risk-tier.ts';
import type { IntakeRisk } from './risk-tier.ts';
import type { WarningSignal } from './warning-signs.ts';
import { propertyRuns } from '../../test/property-runs.ts';

const settings = defaultMonitoringSettings.riskTier;
const sig = (severity: SignalSeverity, code: WarningSignal['code'] = 'CRAVING'): WarningSignal => ({
  code,
  severity,
  evidence: [],
  summary: `${severity} ${code}`,
});
const intake = (tier: RiskTier): IntakeRisk => ({ tier, factors: tier === 'low' ? [] : [{ code: 'SUD_HISTORY', detail: 'x' }] });

describe('rollUpRiskTier', () => {
  it.each<[string, RiskTier, SignalSeverity[], RiskTier]>([
    ['nothing at all', 'low', [], 'low'],
    ['one low signal', 'low', ['low'], 'low'],
    ['two low signals', 'low', ['low', 'low'], 'elevated'],
    ['one moderate signal', 'low', ['moderate'], 'elevated'],
    ['two moderate signals, low intake', 'low', ['moderate', 'moderate'], 'elevated'],
    ['two moderate signals, elevated intake', 'elevated', ['moderate', 'moderate'], 'high'],
    ['three moderate signals', 'low', ['moderate', 'moderate', 'moderate'], 'high'],
    ['one high signal', 'low', ['high'], 'high'],
    ['elevated intake, no signals', 'elevated', [], 'elevated'],
    ['high intake, no signals', 'high', [], 'high'],
  ])('%s → %s', (_name, intakeTier, severities, expected) => {
    const r = rollUpRiskTier({ intakeRisk: intake(intakeTier), signals: severities.map((s) => sig(s)) }, settings);
    expect(r.tier).toBe(expected);
  });

  it('explains every rule that fired and carries the signals and intake factors through', () => {
    const signals = [sig('high', 'USE_OUTSIDE_SESSIONS'), sig('moderate', 'SITTER_CONCERN')];
    const r = rollUpRiskTier({ intakeRisk: intake('elevated'), signals }, settings);
    expect(r.explanation.map((e) => e.rule)).toEqual([
      'INTAKE_TIER',
      'HIGH_SIGNALS',
      'MODERATE_SIGNALS_HIGH_WITH_ELEVATED_INTAKE',
      'MODERATE_SIGNALS_ELEVATED',
      'LOW_SIGNALS_ELEVATED',
    ]);
    expect(r.signals).toBe(signals);
    expect(r.factors).toEqual([{ code: 'SUD_HISTORY', detail: 'x' }]);
  });

  it('takes the intake screening\'s dependence risk as it is (a type error here means the two have drifted)', () => {
    const fromScreening: DependenceRisk = { tier: 'elevated', factors: [{ code: 'CAGE_AID_POSITIVE', detail: 'CAGE-AID 2' }] };
    expect(rollUpRiskTier({ intakeRisk: fromScreening, signals: [sig('moderate'), sig('moderate')] }, settings).tier).toBe('high');
  });

  const arbSignal = fc.record({
    code: fc.constantFrom(...SIGNAL_CODES),
    severity: fc.constantFrom<SignalSeverity>('low', 'moderate', 'high'),
    evidence: fc.constant([]),
    summary: fc.string(),
  });
  const arbIntake = fc.constantFrom<RiskTier>('low', 'elevated', 'high').map(intake);
  const arbSettings: fc.Arbitrary<RiskTierSettings> = fc.record({
    highSignalsForHigh: fc.integer({ min: 1, max: 5 }),
    moderateSignalsForHigh: fc.integer({ min: 1, max: 6 }),
    moderateSignalsForHighWhenIntakeElevated: fc.integer({ min: 1, max: 6 }),
    moderateSignalsForElevated: fc.integer({ min: 1, max: 4 }),
    lowSignalsForElevated: fc.integer({ min: 1, max: 6 }),
  });

  it('is monotone: adding a signal never lowers the tier (default and arbitrary thresholds)', () => {
    fc.assert(
      fc.property(
        arbIntake,
        fc.array(arbSignal, { maxLength: 8 }),
        arbSignal,
        fc.oneof(fc.constant(settings), arbSettings),
        (intakeRisk, signals, extra, s) => {
          const before = rollUpRiskTier({ intakeRisk, signals }, s).tier;
          const after = rollUpRiskTier({ intakeRisk, signals: [...signals, extra] }, s).tier;
          expect(riskTierRank(after)).toBeGreaterThanOrEqual(riskTierRank(before));
        },
      ),
      { numRuns: propertyRuns(500) },
    );
  });

  it('never puts a patient below their intake tier', () => {
    fc.assert(
      fc.property(arbIntake, fc.array(arbSignal, { maxLength: 8 }), (intakeRisk, signals) => {
        const r = rollUpRiskTier({ intakeRisk, signals }, settings);
        expect(riskTierRank(r.tier)).toBeGreaterThanOrEqual(riskTierRank(intakeRisk.tier));
      }),
    );
  });
});

describe('riskTierTransition', () => {
  it.each<[RiskTier | null, RiskTier, string, boolean]>([
    ['low', 'high', 'became_high', true],
    ['elevated', 'high', 'became_high', true],
    [null, 'high', 'became_high', true],
    ['high', 'high', 'unchanged', false],
    ['low', 'elevated', 'raised', false],
    ['high', 'elevated', 'lowered', false],
    ['elevated', 'elevated', 'unchanged', false],
    [null, 'low', 'unchanged', false],
  ])('%s → %s is %s (alert: %s)', (prev, next, kind, raiseAlert) => {
    const t = riskTierTransition(prev, next);
    expect(t.kind).toBe(kind);
    expect(t.raiseAlert).toBe(raiseAlert);
  });
});
