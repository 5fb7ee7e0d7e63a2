const labels: Record<string, string> = {
  checkin: 'Daily check-in',
  phq9: 'Mood questionnaire (PHQ-9)',
  gad7: 'Anxiety questionnaire (GAD-7)',
  'audit-c': 'Alcohol questions (AUDIT-C)',
  audit: 'Alcohol questions (AUDIT)',
  dast10: 'Drug use questions (DAST-10)',
  bladder: 'Bladder check',
  'cssrs-screen': 'Questions about difficult thoughts',
  craving: 'Craving check',
};

/** A plain name for an instrument or schedule code. */
export function instrumentLabel(code: string): string {
  return labels[code] ?? code;
}
