import { bandForTotal, sumPoints, yesNoOptions } from './instrument-helpers.ts';
import type { InstrumentDefinition, InstrumentFlag, InstrumentModule } from './instrument.types.ts';

// Drug Abuse Screening Test (DAST-10), © 1982 Harvey A. Skinner and the Addiction Research Foundation; widely
// used in clinical settings with attribution. Past 12 months, drugs other than alcohol and tobacco.
const questions = [
  'Have you used drugs other than those required for medical reasons?',
  'Do you abuse more than one drug at a time?',
  'Are you always able to stop using drugs when you want to?',
  'Have you had "blackouts" or "flashbacks" as a result of drug use?',
  'Do you ever feel bad or guilty about your drug use?',
  'Does your spouse (or parents) ever complain about your involvement with drugs?',
  'Have you neglected your family because of your use of drugs?',
  'Have you engaged in illegal activities in order to obtain drugs?',
  'Have you ever experienced withdrawal symptoms (felt sick) when you stopped taking drugs?',
  'Have you had medical problems as a result of your drug use (e.g., memory loss, hepatitis, convulsions, bleeding, etc.)?',
] as const;

// Item 3 asks about control, so the problem answer is "no" (Skinner's scoring key).
const reversed = [
  { value: false, label: 'No', points: 1 },
  { value: true, label: 'Yes', points: 0 },
] as const;

export const dast10Definition: InstrumentDefinition = {
  code: 'dast10',
  name: 'Drug Abuse Screening Test (DAST-10)',
  version: '1.0',
  instructions:
    'The following questions concern information about your possible involvement with drugs not including alcoholic beverages during the past 12 months. "Drug abuse" refers to (1) the use of prescribed or over-the-counter drugs in excess of the directions, and (2) any nonmedical use of drugs. The various classes of drugs may include cannabis (e.g., marijuana, hash), solvents, tranquilizers (e.g., Valium), barbiturates, cocaine, stimulants (e.g., speed), hallucinogens (e.g., LSD) or narcotics (e.g., heroin). Remember that the questions do not include alcoholic beverages. Please answer every question. If you have difficulty with a statement, then choose the response that is mostly right. In the past 12 months:',
  items: questions.map((text, i) => ({
    id: `q${i + 1}`,
    text,
    options: i === 2 ? reversed : yesNoOptions,
    scored: true,
  })),
  range: { min: 0, max: 10 },
  bands: [
    { band: 'none', label: 'No problems reported', min: 0, max: 0 },
    { band: 'low', label: 'Low level', min: 1, max: 2 },
    { band: 'moderate', label: 'Moderate level', min: 3, max: 5 },
    { band: 'substantial', label: 'Substantial level', min: 6, max: 8 },
    { band: 'severe', label: 'Severe level', min: 9, max: 10 },
  ],
  scoring:
    'One point per "yes", except item 3 ("always able to stop"), where "no" scores 1; total 0–10. 0 none, 1–2 low, 3–5 moderate, 6–8 substantial, 9–10 severe; 3 or more is a positive screen.',
  attribution:
    'DAST-10 © 1982 by the Addiction Research Foundation. Author: Harvey A. Skinner, PhD. Skinner HA. The Drug Abuse Screening Test. Addictive Behaviors 1982;7(4):363-371. Used with attribution.',
};

export const dast10Instrument: InstrumentModule = {
  definition: dast10Definition,
  score: ({ answers, settings }) => {
    const total = sumPoints(dast10Definition, answers);
    const band = bandForTotal(dast10Definition.bands, total);
    if (!band) return { kind: 'invalid', errors: [{ item: '*', message: `total ${total} is outside every band` }] };
    const flags: InstrumentFlag[] = total >= settings.dast10PositiveAtOrAbove ? ['DAST10_POSITIVE'] : [];
    return { kind: 'ok', total, band: band.band, flags };
  },
};
