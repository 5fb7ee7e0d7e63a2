// The safety alerts a submission raises (docs/monitoring.md; docs/clinical-basis.md §1, §4, §7). Pure: the server hands over the
// event it is about to commit, and writes the returned candidates in the same transaction (reliability I8).
// Deduplication is the server's unique key (patient, code, cause): `cause` is built only from the ids of the
// rows that caused the alert, so retrying the same submission yields the same key and never a second alert.

import { minutesToMs } from '../settings/time-units.ts';
import { crisisMessage, cssrsEscalation } from './crisis-resources.ts';
import type { AlertRuleSetting, AlertSettings } from './monitoring-settings.ts';
import type { AlertCode, AlertSeverity, CssrsRiskLevel, RiskTier } from './monitoring-types.ts';
import { riskTierTransition } from './risk-tier.ts';
import { parseInstant } from './time-window.ts';
import { detectUrgentLanguage } from './urgent-language.ts';
import type { UrgentPhrase } from './urgent-language.ts';
import type { EvidenceType, WarningSignal } from './warning-signs.ts';
import type { SignalAlertSetting } from './monitoring-settings.ts';
import type { SignalSeverity } from './monitoring-types.ts';

export type AlertEvidenceType =
  | 'assessment'
  | 'adverse_event'
  | 'vitals'
  | 'session'
  | 'message'
  | 'risk_evaluation'
  | 'sitter_check'
  | 'sitter_concern'
  | EvidenceType;

export interface AlertEvidence {
  readonly type: AlertEvidenceType;
  readonly id: string;
  readonly summary: string;
}

export interface AlertCandidate {
  readonly code: AlertCode;
  readonly severity: AlertSeverity;
  readonly holdsDosing: boolean;
  /** Stable dedup key within (patient, code), e.g. `assessment:<id>`. */
  readonly cause: string;
  readonly evidence: readonly AlertEvidence[];
  readonly title: string;
  /** Shown to the patient with the alert (crisis resources where suicide risk is involved). */
  readonly patientMessage?: string;
  /** What the care team should do, from docs/clinical-basis.md. */
  readonly recommendedActions: readonly string[];
  readonly escalateAfterMinutes: number;
  /**
   * For a warning-sign alert: the evidence it is the first alert for (`type:id`). The server records them so the
   * same evidence never raises a second alert, while new evidence always raises a new one.
   */
  readonly evidenceKeys?: readonly string[];
}

/** The events that can raise an alert. Each carries only what the rule needs; the server maps its rows here. */
export type AlertSourceEvent =
  | {
      readonly kind: 'phq9_submitted';
      readonly assessmentId: string;
      readonly at: string;
      readonly item9Points: number;
      /** The instrument's PHQ9_ITEM9_POSITIVE flag (its threshold is the one setting instruments.phq9Item9FlagAbove). */
      readonly item9Positive: boolean;
    }
  | { readonly kind: 'cssrs_submitted'; readonly assessmentId: string; readonly at: string; readonly risk: CssrsRiskLevel }
  | {
      readonly kind: 'adverse_event_reported';
      readonly adverseEventId: string;
      readonly at: string;
      readonly serious: boolean;
      /** A severe event reaches the clinician like a serious one, whether or not the reporter ticked "serious". */
      readonly severity?: 'mild' | 'moderate' | 'severe' | undefined;
      readonly sessionId?: string | undefined;
    }
  | {
      readonly kind: 'vitals_recorded';
      readonly vitalsId: string;
      readonly sessionId: string;
      readonly at: string;
      readonly phase: 'pre' | 'during' | 'post';
      readonly systolicMmHg: number;
      readonly diastolicMmHg: number;
      readonly heartRateBpm: number;
    }
  | {
      /** From the sweep job: a session in progress and its last sitter check (none yet: from the start). */
      readonly kind: 'session_in_progress';
      readonly sessionId: string;
      readonly startedAt: string;
      readonly lastSitterCheckAt?: string | undefined;
    }
  | {
      /** The sitter's 15-minute check. Not responsive or not breathing normally is an emergency. */
      readonly kind: 'sitter_check_recorded';
      readonly checkId: string;
      readonly sessionId: string;
      readonly at: string;
      readonly responsive: boolean;
      readonly breathingNormally: boolean;
    }
  | { readonly kind: 'sitter_concern_raised'; readonly concernId: string; readonly sessionId: string; readonly at: string; readonly emergency: boolean }
  | { readonly kind: 'session_aborted_after_dose'; readonly sessionId: string; readonly at: string; readonly startedAt: string }
  | {
      readonly kind: 'message_sent';
      readonly messageId: string;
      readonly at: string;
      readonly senderRole: 'patient' | 'sitter' | 'clinician' | 'coach';
      readonly text: string;
    }
  | {
      /** From the inbox sweep: a thread whose oldest unanswered patient message has waited past the reply time. */
      readonly kind: 'message_reply_overdue';
      readonly threadId: string;
      readonly awaitingSince: string;
      readonly dueAt: string;
    }
  | {
      readonly kind: 'risk_tier_evaluated';
      readonly evaluationId: string;
      readonly at: string;
      readonly previousTier: RiskTier | null;
      readonly tier: RiskTier;
      /** The roll-up's explanation lines, carried into the evidence. */
      readonly reasons: readonly string[];
    };

const EMERGENCY_MESSAGE =
  'If you have chest pain, trouble breathing, a sudden severe headache, a seizure, or someone cannot be woken, ' +
  'call 911 now. Your care team has been notified.';

function candidate(
  code: AlertCode,
  rule: AlertRuleSetting,
  settings: AlertSettings,
  fields: {
    cause: string;
    title: string;
    evidence: readonly AlertEvidence[];
    recommendedActions: readonly string[];
    patientMessage?: string;
  },
): AlertCandidate {
  return {
    code,
    severity: rule.severity,
    holdsDosing: rule.holdsDosing,
    escalateAfterMinutes: settings.escalateAfterMinutes[rule.severity],
    ...fields,
  };
}

function phq9Item9(e: Extract<AlertSourceEvent, { kind: 'phq9_submitted' }>, settings: AlertSettings): AlertCandidate[] {
  const rule = settings.phq9Item9;
  // A non-numeric item 9 is not a negative answer: fail closed and raise.
  if (Number.isFinite(e.item9Points) && !e.item9Positive) return [];
  return [
    candidate('SUICIDE_RISK_PHQ9_ITEM9', rule, settings, {
      cause: `assessment:${e.assessmentId}`,
      title: 'PHQ-9 item 9 positive: thoughts of death or self-harm',
      evidence: [{ type: 'assessment', id: e.assessmentId, summary: `PHQ-9 item 9 answered ${e.item9Points}` }],
      recommendedActions: [
        'Clinician follow-up the same day',
        'Ask the patient to complete the C-SSRS screener',
        'Dosing held until a clinician clears it',
      ],
      patientMessage: crisisMessage,
    }),
  ];
}

const CSSRS_CODE: Record<'low' | 'moderate' | 'high', AlertCode> = {
  low: 'SUICIDE_RISK_CSSRS_LOW',
  moderate: 'SUICIDE_RISK_CSSRS_MODERATE',
  high: 'SUICIDE_RISK_CSSRS_HIGH',
};

function cssrs(e: Extract<AlertSourceEvent, { kind: 'cssrs_submitted' }>, settings: AlertSettings): AlertCandidate[] {
  if (e.risk === 'none') return [];
  return [
    candidate(CSSRS_CODE[e.risk], settings.cssrs[e.risk], settings, {
      cause: `assessment:${e.assessmentId}`,
      title: `C-SSRS screener: ${e.risk} suicide risk`,
      evidence: [{ type: 'assessment', id: e.assessmentId, summary: `C-SSRS screener scored ${e.risk} risk` }],
      recommendedActions: cssrsEscalation[e.risk].actions,
      patientMessage: crisisMessage,
    }),
  ];
}

function seriousAdverseEvent(
  e: Extract<AlertSourceEvent, { kind: 'adverse_event_reported' }>,
  settings: AlertSettings,
): AlertCandidate[] {
  if (!e.serious && e.severity !== 'severe') return [];
  return [
    candidate('SERIOUS_ADVERSE_EVENT_REPORTED', settings.seriousAdverseEvent, settings, {
      cause: `adverse-event:${e.adverseEventId}`,
      title: e.serious ? 'Serious adverse event reported' : 'Severe adverse event reported',
      evidence: [
        {
          type: 'adverse_event',
          id: e.adverseEventId,
          summary: e.sessionId ? `Serious adverse event during session ${e.sessionId}` : 'Serious adverse event',
        },
      ],
      recommendedActions: ['Contact the patient now', 'Dosing held until the event is resolved by a clinician'],
      patientMessage: EMERGENCY_MESSAGE,
    }),
  ];
}

const EMERGENCY_ACTIONS = [
  'Call the sitter and the patient now',
  'If no one answers, or the patient is not breathing normally, make sure emergency services (911) are on the way',
  'Dosing held until a clinician has reviewed what happened',
];

function sitterCheckEmergency(e: Extract<AlertSourceEvent, { kind: 'sitter_check_recorded' }>, settings: AlertSettings): AlertCandidate[] {
  if (e.responsive && e.breathingNormally) return [];
  const findings = [!e.responsive ? 'not responsive' : null, !e.breathingNormally ? 'not breathing normally' : null].filter((x): x is string => x !== null);
  return [
    candidate('SESSION_EMERGENCY', settings.sessionEmergency, settings, {
      cause: `sitter-check:${e.checkId}`,
      title: `Emergency during a session: the sitter found the patient ${findings.join(' and ')}`,
      evidence: [
        { type: 'sitter_check', id: e.checkId, summary: `Sitter check: ${findings.join(', ')}` },
        { type: 'session', id: e.sessionId, summary: 'Session in progress' },
      ],
      recommendedActions: EMERGENCY_ACTIONS,
      patientMessage: EMERGENCY_MESSAGE,
    }),
  ];
}

function sitterConcernEmergency(e: Extract<AlertSourceEvent, { kind: 'sitter_concern_raised' }>, settings: AlertSettings): AlertCandidate[] {
  if (!e.emergency) return [];
  return [
    candidate('SESSION_EMERGENCY', settings.sessionEmergency, settings, {
      cause: `sitter-concern:${e.concernId}`,
      title: 'Emergency during a session: the sitter reported that something is seriously wrong',
      evidence: [
        { type: 'sitter_concern', id: e.concernId, summary: 'Sitter marked the concern an emergency' },
        { type: 'session', id: e.sessionId, summary: 'Session the concern was raised in' },
      ],
      recommendedActions: EMERGENCY_ACTIONS,
      patientMessage: EMERGENCY_MESSAGE,
    }),
  ];
}

function abortedAfterDose(e: Extract<AlertSourceEvent, { kind: 'session_aborted_after_dose' }>, settings: AlertSettings): AlertCandidate[] {
  return [
    candidate('SESSION_ABORTED_AFTER_DOSE', settings.abortedAfterDose, settings, {
      cause: `session-aborted:${e.sessionId}`,
      title: 'Session ended after the dose, before the sitter confirmed the patient was back to baseline',
      evidence: [{ type: 'session', id: e.sessionId, summary: `Dose taken at ${e.startedAt}; session ended at ${e.at}` }],
      recommendedActions: ['Contact the patient and the sitter now', 'Check the patient is safe, not driving, and not alone', 'Review before the next session'],
    }),
  ];
}

const within = (value: number, [min, max]: readonly [number, number]): boolean =>
  Number.isFinite(value) && value >= min && value <= max;

function sessionVitals(e: Extract<AlertSourceEvent, { kind: 'vitals_recorded' }>, settings: AlertSettings): AlertCandidate[] {
  const rule = settings.sessionVitals;
  if (!rule.phases.includes(e.phase)) return [];
  // Values outside human range are input errors (docs/clinical-basis.md §4); the API rejects them, and they are not readings to alert on.
  if (
    !within(e.systolicMmHg, rule.plausible.systolicMmHg) ||
    !within(e.diastolicMmHg, rule.plausible.diastolicMmHg) ||
    !within(e.heartRateBpm, rule.plausible.heartRateBpm)
  ) {
    return [];
  }
  const over = [
    e.systolicMmHg > rule.maxSystolicMmHg ? `systolic ${e.systolicMmHg} > ${rule.maxSystolicMmHg} mmHg` : null,
    e.diastolicMmHg > rule.maxDiastolicMmHg ? `diastolic ${e.diastolicMmHg} > ${rule.maxDiastolicMmHg} mmHg` : null,
    e.heartRateBpm > rule.maxHeartRateBpm ? `heart rate ${e.heartRateBpm} > ${rule.maxHeartRateBpm} bpm` : null,
  ].filter((x): x is string => x !== null);
  if (over.length === 0) return [];
  return [
    candidate('SESSION_VITALS_ABOVE_LIMITS', rule, settings, {
      cause: `vitals:${e.vitalsId}`,
      title: `Vitals above hold limits during a session (${e.phase})`,
      evidence: [
        { type: 'vitals', id: e.vitalsId, summary: over.join('; ') },
        { type: 'session', id: e.sessionId, summary: `Reading taken ${e.phase}-dose` },
      ],
      recommendedActions: [
        'Contact the patient and sitter',
        'Repeat the reading; stay lying down',
        'Review before the next session',
      ],
      patientMessage: EMERGENCY_MESSAGE,
    }),
  ];
}

function sitterCheckOverdue(
  e: Extract<AlertSourceEvent, { kind: 'session_in_progress' }>,
  now: Date,
  settings: AlertSettings,
): AlertCandidate[] {
  const rule = settings.sitterChecks;
  const reference = e.lastSitterCheckAt ?? e.startedAt;
  const refMs = parseInstant(reference);
  const limitMs = minutesToMs(rule.intervalMinutes + rule.graceMinutes);
  // An unreadable time cannot prove the sitter checked in: fail closed and raise.
  if (refMs !== null && now.getTime() - refMs <= limitMs) return [];
  return [
    candidate('SITTER_CHECK_OVERDUE', rule, settings, {
      // One alert per gap: a new check resets the reference, so a later gap is a new cause.
      cause: `session:${e.sessionId}:after:${e.lastSitterCheckAt === undefined ? 'start' : e.lastSitterCheckAt}`,
      title: 'Sitter check overdue during a session',
      evidence: [
        {
          type: 'session',
          id: e.sessionId,
          summary:
            e.lastSitterCheckAt === undefined
              ? `No sitter check since the session started at ${e.startedAt}`
              : `Last sitter check at ${e.lastSitterCheckAt}`,
        },
      ],
      recommendedActions: ['Call the sitter and the patient now', 'If no one answers, call emergency services'],
    }),
  ];
}

function urgentMessage(
  e: Extract<AlertSourceEvent, { kind: 'message_sent' }>,
  settings: AlertSettings,
  phrases: readonly UrgentPhrase[] | undefined,
): AlertCandidate[] {
  // Staff messages are clinicians writing about risk, not a patient in crisis.
  if (e.senderRole !== 'patient' && e.senderRole !== 'sitter') return [];
  const found = detectUrgentLanguage(e.text, phrases);
  if (found.kind === 'none') return [];
  const categories = [...new Set(found.matches.map((m) => m.category))];
  return [
    candidate('URGENT_MESSAGE_LANGUAGE', settings.urgentMessage, settings, {
      cause: `message:${e.messageId}`,
      title: 'Message with possible self-harm language',
      // The evidence names the categories, never the patient's words: alerts travel to queues and notifications.
      evidence: [{ type: 'message', id: e.messageId, summary: `Matched: ${categories.join(', ')}` }],
      recommendedActions: [
        'Read the message and contact the patient now',
        'Ask the patient to complete the C-SSRS screener',
        'Dosing held until a clinician clears it',
      ],
      patientMessage: crisisMessage,
    }),
  ];
}

function dependenceRiskHigh(
  e: Extract<AlertSourceEvent, { kind: 'risk_tier_evaluated' }>,
  settings: AlertSettings,
): AlertCandidate[] {
  const transition = riskTierTransition(e.previousTier, e.tier);
  if (!transition.raiseAlert) return [];
  return [
    candidate('DEPENDENCE_RISK_BECAME_HIGH', settings.dependenceRiskHigh, settings, {
      cause: `risk-evaluation:${e.evaluationId}`,
      title: 'Dependence risk tier became high',
      evidence: [
        {
          type: 'risk_evaluation',
          id: e.evaluationId,
          summary: `Tier ${e.previousTier ?? 'none'} → high: ${e.reasons.join('; ') || 'no reasons given'}`,
        },
      ],
      recommendedActions: [
        'Review the warning signs and their evidence',
        'Dosing held: a clinician decides whether to continue, limit dispensing, or taper',
      ],
    }),
  ];
}

function messageReplyOverdue(
  e: Extract<AlertSourceEvent, { kind: 'message_reply_overdue' }>,
  now: Date,
  settings: AlertSettings,
): AlertCandidate[] {
  const dueMs = parseInstant(e.dueAt);
  // An unreadable due time cannot prove the reply is still in time: fail closed and raise.
  if (dueMs !== null && now.getTime() < dueMs) return [];
  return [
    candidate('MESSAGE_REPLY_OVERDUE', settings.messageReplyOverdue, settings, {
      // One alert per wait: a care-team reply ends the wait, and the next patient message starts a new one.
      cause: `thread:${e.threadId}:since:${e.awaitingSince}`,
      title: 'A patient message is waiting past the reply time',
      evidence: [{ type: 'message', id: e.threadId, summary: 'Unanswered patient message past the promised reply time' }],
      recommendedActions: ['Open the staff inbox and answer the patient', 'Assign the conversation to a care-team member'],
    }),
  ];
}

export interface AlertRuleOptions {
  /** Replaces the default urgent-language phrase list. */
  readonly urgentPhrases?: readonly UrgentPhrase[];
}

/** The alert candidates one event raises (usually none or one). */
export function alertsForEvent(
  event: AlertSourceEvent,
  now: Date,
  settings: AlertSettings,
  options: AlertRuleOptions = {},
): AlertCandidate[] {
  switch (event.kind) {
    case 'phq9_submitted':
      return phq9Item9(event, settings);
    case 'cssrs_submitted':
      return cssrs(event, settings);
    case 'adverse_event_reported':
      return seriousAdverseEvent(event, settings);
    case 'vitals_recorded':
      return sessionVitals(event, settings);
    case 'session_in_progress':
      return sitterCheckOverdue(event, now, settings);
    case 'sitter_check_recorded':
      return sitterCheckEmergency(event, settings);
    case 'sitter_concern_raised':
      return sitterConcernEmergency(event, settings);
    case 'session_aborted_after_dose':
      return abortedAfterDose(event, settings);
    case 'message_sent':
      return urgentMessage(event, settings, options.urgentPhrases);
    case 'risk_tier_evaluated':
      return dependenceRiskHigh(event, settings);
    case 'message_reply_overdue':
      return messageReplyOverdue(event, now, settings);
  }
}

const SEVERITY_RANK: Record<AlertSeverity, number> = { low: 0, moderate: 1, high: 2, critical: 3 };

/**
 * The alerts a submission made of several events raises, one per (code, cause), most severe first. The server
 * still dedups against alerts already stored; this only keeps one submission from raising the same alert twice.
 */
export function alertsForEvents(
  events: readonly AlertSourceEvent[],
  now: Date,
  settings: AlertSettings,
  options: AlertRuleOptions = {},
): AlertCandidate[] {
  const seen = new Map<string, AlertCandidate>();
  for (const event of events) {
    for (const alert of alertsForEvent(event, now, settings, options)) {
      const key = `${alert.code}|${alert.cause}`;
      if (!seen.has(key)) seen.set(key, alert);
    }
  }
  return [...seen.values()].sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity]);
}

// ---------------------------------------------------------------------------------------------------------------
// Warning signs: every new occurrence reaches a clinician

const SIGNAL_RANK: Record<SignalSeverity, number> = { low: 1, moderate: 2, high: 3 };
const atOrAbove = (severity: SignalSeverity, threshold: SignalSeverity | null): boolean =>
  threshold !== null && SIGNAL_RANK[severity] >= SIGNAL_RANK[threshold];

/** The key that identifies one piece of a signal's evidence across evaluations. */
export const evidenceKey = (e: { readonly type: string; readonly id: string }): string => `${e.type}:${e.id}`;

/**
 * The alerts the warning signs standing now raise. Deduplicated per evidence, never per tier: a signal raises an
 * alert when it carries evidence no earlier alert of its code covered (`alreadyAlerted`), whatever the risk tier
 * and whether or not an earlier alert on the same signal was resolved. One alert per signal per evaluation carries
 * all its new evidence; its severity is the signal's, and it holds dosing at or above the signal's hold setting.
 */
export function signalAlertCandidates(
  signals: readonly WarningSignal[],
  alreadyAlerted: (code: WarningSignal['code'], key: string) => boolean,
  settings: AlertSettings,
): AlertCandidate[] {
  const out: AlertCandidate[] = [];
  for (const signal of signals) {
    const rule: SignalAlertSetting | undefined = settings.warningSigns[signal.code];
    if (rule === undefined || !atOrAbove(signal.severity, rule.alertAtOrAbove)) continue;
    const fresh = signal.evidence.filter((e) => !alreadyAlerted(signal.code, evidenceKey(e)));
    const first = fresh[0];
    if (first === undefined) continue;
    const holdsDosing = atOrAbove(signal.severity, rule.holdsDosingAtOrAbove);
    out.push({
      code: signal.code,
      severity: signal.severity,
      holdsDosing,
      cause: `signal:${evidenceKey(first)}`,
      title: `Warning sign: ${signal.summary}`,
      evidence: signal.evidence.map((e) => ({ type: e.type, id: e.id, summary: `${e.summary}${fresh.includes(e) ? ' (new)' : ''}` })),
      recommendedActions: [
        'Review the warning sign and its evidence with the patient',
        holdsDosing ? 'Dosing held: decide whether to continue, limit dispensing, or taper' : 'Decide whether the plan needs to change',
      ],
      escalateAfterMinutes: settings.escalateAfterMinutes[signal.severity],
      evidenceKeys: fresh.map(evidenceKey),
    });
  }
  return out;
}
