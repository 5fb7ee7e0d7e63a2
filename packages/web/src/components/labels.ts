/**
 * The one table that turns the API's codes into words people read. Every screen shows a code through `label`;
 * an unknown code still becomes plain words (never SCREAMING_CASE, never snake_case), with the instruments'
 * proper names (PHQ-9, GAD-7, AUDIT-C, DAST-10, C-SSRS).
 */
const table: Record<string, string> = {
  // Screening rules and dependence-risk factors
  AGE_UNDER_18: 'Under 18',
  VASCULAR_ANEURYSM_AVM_ICH: 'Aneurysm, vascular malformation or brain bleed',
  PSYCHOSIS_OR_MANIA: 'Psychosis or mania',
  PREGNANT_OR_BREASTFEEDING: 'Pregnant or breastfeeding',
  LIVER_SEVERE: 'Severe liver disease',
  LIVER_MODERATE: 'Moderate liver disease',
  CARDIAC_OR_ICP: 'Heart disease or raised brain pressure',
  BP_ABOVE_INTAKE_LIMIT: 'Blood pressure above the intake limit',
  ACTIVE_SUD: 'Active substance use disorder',
  AUDIT_ZONE_IV: 'Alcohol use: highest risk (AUDIT zone IV)',
  AUDIT_ZONE_II_III: 'Alcohol use: raised risk (AUDIT zone II–III)',
  DAST10_SEVERE: 'Drug use: severe (DAST-10)',
  DAST10_MODERATE: 'Drug use: moderate (DAST-10)',
  DAST10_SUBSTANTIAL_OR_SEVERE: 'Drug use: substantial or severe (DAST-10)',
  SUD_REMISSION_RECENT: 'Recent remission from substance use',
  SUBSTANCE_RISK_FACTORS: 'Risk factors for substance misuse',
  CSSRS_HIGH: 'Suicide risk screen: high',
  CSSRS_POSITIVE: 'Suicide risk screen: positive',
  PHQ9_ITEM9_POSITIVE: 'Thoughts of death or self-harm (PHQ-9 item 9)',
  BLADDER_SYMPTOMS_AT_INTAKE: 'Bladder symptoms at intake',
  COMORBIDITY_REVIEW: 'Other conditions to review',
  INTERACTING_MEDICATION: 'A medicine that interacts',
  NO_SITTER: 'No sitter named',
  TREATMENT_RESISTANCE_NOT_SHOWN: 'Treatment resistance not shown',
  STATE_NOT_LICENSED: 'Lives where no clinician is licensed',
  MISSING_ANSWERS: 'Answers missing',
  PERSONAL_HISTORY_SUD: 'Personal history of substance use disorder',
  FAMILY_HISTORY_SUD: 'Family history of substance use disorder',
  CAGE_AID_POSITIVE: 'Positive substance screen (CAGE-AID)',
  // Alerts
  SUICIDE_RISK_PHQ9_ITEM9: 'Suicide risk: PHQ-9 item 9',
  SUICIDE_RISK_CSSRS_LOW: 'Suicide risk screen: low',
  SUICIDE_RISK_CSSRS_MODERATE: 'Suicide risk screen: moderate',
  SUICIDE_RISK_CSSRS_HIGH: 'Suicide risk screen: high',
  SERIOUS_ADVERSE_EVENT_REPORTED: 'Serious adverse event reported',
  SESSION_VITALS_ABOVE_LIMITS: 'Vital signs above limits during a session',
  SITTER_CHECK_OVERDUE: 'Sitter check overdue',
  URGENT_MESSAGE_LANGUAGE: 'Urgent language in a message',
  DEPENDENCE_RISK_BECAME_HIGH: 'Dependence risk became high',
  MESSAGE_REPLY_OVERDUE: 'Patient message waiting past the reply time',
  // Warning signs
  EARLY_REFILL_REQUEST: 'Early refill request',
  DOSE_ESCALATION_PRESSURE: 'Asking for more medicine',
  COUNT_MISMATCH: 'Medicine count does not match',
  LOST_OR_STOLEN: 'Medicine lost or stolen',
  USE_OUTSIDE_SESSIONS: 'Use outside sessions',
  INTERVAL_PRESSURE: 'Trying to dose too soon',
  CRAVING: 'Craving',
  BLADDER_SYMPTOMS: 'Bladder symptoms',
  COGNITIVE_COMPLAINTS: 'Memory or thinking complaints',
  SITTER_CONCERN: 'Sitter concern',
  DISENGAGEMENT: 'Missed check-ins and visits',
  SUBSTANCE_SCREENS_WORSENING: 'Substance screens worsening',
  MULTIPLE_PRESCRIBERS: 'Other controlled prescriptions',
  REFILL_TOO_EARLY: 'Too early for a refill',
  // Instrument flags and bands
  AUDITC_POSITIVE: 'AUDIT-C positive',
  AUDIT_ZONE_II: 'Alcohol use: zone II',
  AUDIT_ZONE_III: 'Alcohol use: zone III',
  AUDIT_ZONE_MOVED_UP: 'Alcohol use moved up a zone',
  BLADDER_POSITIVE: 'Bladder symptoms reported',
  BLADDER_URGENT: 'Bladder symptoms: urgent',
  CRAVING_HIGH: 'High craving',
  CSSRS_LOW: 'Suicide risk screen: low',
  CSSRS_MODERATE: 'Suicide risk screen: moderate',
  DAST10_POSITIVE: 'Drug use screen positive (DAST-10)',
  GAD7_EVALUATE: 'Anxiety worth evaluating (GAD-7)',
  USE_OUTSIDE_SESSION: 'Used outside a session',
  zone_i: 'Zone I (low risk)',
  zone_ii: 'Zone II (hazardous use)',
  zone_iii: 'Zone III (harmful use)',
  zone_iv: 'Zone IV (possible dependence)',
  below_threshold: 'Below the threshold',
  moderately_severe: 'Moderately severe',
  // Instruments
  phq9: 'PHQ-9 (depression)',
  gad7: 'GAD-7 (anxiety)',
  'audit-c': 'AUDIT-C (alcohol)',
  dast10: 'DAST-10 (drug use)',
  bladder: 'Bladder symptoms',
  'cssrs-screen': 'Suicide risk screen',
  checkin: 'Daily check-in',
  // Statuses and kinds
  needs_review: 'Needs review',
  likely_eligible: 'Likely eligible',
  not_eligible: 'Not eligible',
  request_info: 'More information requested',
  info_requested: 'More information requested',
  requested_information: 'requested more information',
  approve: 'Approved',
  approved: 'Approved',
  decline: 'Declined',
  declined: 'Declined',
  submitted: 'Waiting for review',
  draft: 'Not sent yet',
  intake: 'In intake',
  active: 'In treatment',
  discharged: 'Discharged',
  in_progress: 'In progress',
  care_team: 'Care team',
  start_of_treatment: 'Start-of-treatment letter',
  discharge_summary: 'Discharge summary',
  primary_care: 'Primary care',
  increase: 'Asked for a higher dose',
  tolerance: 'The dose stopped working',
  granted: 'Granted',
  held: 'On hold',
  // Prescribing compliance (docs/compliance.md)
  PRESCRIBING_PATHWAY_MISSING: 'No prescribing pathway recorded',
  TELEMEDICINE_FLEXIBILITY_ENDED: 'Telemedicine flexibility has ended',
  PRESCRIBER_LICENCE_MISSING: 'No current state licence for the patient’s state',
  PRESCRIBER_DEA_MISSING: 'No current DEA registration for Schedule III in the patient’s state',
  PDMP_CHECK_MISSING: 'PDMP check due',
  PRESCRIPTION_REFILLS_EXHAUSTED: 'Refills used up',
  in_person_evaluation: 'In-person medical evaluation',
  telemedicine_flexibility: 'Telemedicine flexibility',
  special_registration: 'Special telemedicine registration',
  referral_from_in_person_clinician: 'Referral from a clinician who saw the patient in person',
  state_licence: 'State licence',
  dea_registration: 'DEA registration',
  compliant: 'Compliant',
  action_needed: 'Action needed',
  blocked: 'Blocked',
};

function words(code: string): string {
  const text = code
    .replace(/PHQ9/gi, 'PHQ-9')
    .replace(/GAD7/gi, 'GAD-7')
    .replace(/DAST10/gi, 'DAST-10')
    .replace(/AUDIT[-_ ]?C(?=\b|_)/gi, 'AUDIT-C')
    .replace(/CSSRS/gi, 'C-SSRS')
    .replace(/\bSUD\b/g, 'substance use disorder')
    .replace(/[_]+/g, ' ')
    .trim();
  const lower = text
    .split(' ')
    .map((w) => (/^(PHQ-9|GAD-7|DAST-10|AUDIT-C|C-SSRS)$/i.test(w) ? w.toUpperCase() : w.toLowerCase()))
    .join(' ');
  return lower.charAt(0).toUpperCase() + lower.slice(1);
}

/** The words for a code from the API. */
export function label(code: string | null | undefined): string {
  if (code === null || code === undefined || code === '') return '—';
  return table[code] ?? table[code.toUpperCase()] ?? words(code);
}

const codeInText = /\b[A-Z][A-Z0-9]*_[A-Z0-9_]*[A-Z0-9]\b/g;
const instantInText = /\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?/g;
const shortDateTime = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' });

/**
 * Free text the server composed (an alert's evidence, a risk reason) with any code or instant inside it turned into
 * words: "Intake risk elevated (FAMILY_HISTORY_SUD)" → "Intake risk elevated (family history of substance use
 * disorder)"; an ISO instant becomes a date and time in the viewer's zone.
 */
export function plainText(text: string): string {
  return text
    .replace(codeInText, (code) => {
      const words = label(code);
      return /^(PHQ|GAD|DAST|AUDIT|C-SSRS)/.test(words) ? words : words.charAt(0).toLowerCase() + words.slice(1);
    })
    .replace(instantInText, (iso) => {
      const d = new Date(iso);
      return Number.isNaN(d.getTime()) ? iso : shortDateTime.format(d);
    });
}
