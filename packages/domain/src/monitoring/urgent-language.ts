// A conservative matcher for self-harm language in patient messages. It routes a message to a clinician quickly;
// it does not judge risk. The trade-off is deliberate: a missed message from a patient in crisis costs far more
// than a clinician reading a false alarm, so recall wins over precision. Negations ("I'm not suicidal"), quotes
// and talk about others still match: a person reads them. What stays out is figurative speech that never names
// the self or death ("killing it at work", "this traffic is killing me", "dying to see you"), and two phrases
// whose everyday use swamps the rare crisis use: "kms" (kilometres) and a bare "can't go on" ("I can't go on
// Tuesday"); their crisis forms ("can't go on like this", "kill myself") are listed instead.
//
// Matching is on a normalised text: lower case, curly quotes straightened, apostrophes dropped ("don't" →
// "dont"), everything else that is not a letter or digit turned into a space, runs of spaces collapsed. Phrases
// are written in that form and matched on word boundaries, so "skill myself" does not match "kill myself".

export type UrgentLanguageCategory = 'suicidal_ideation' | 'self_harm' | 'overdose' | 'hopelessness';

export interface UrgentPhrase {
  /** Normalised words; `\\w*` style wildcards are not used, so each variant is listed. */
  readonly phrase: string;
  readonly category: UrgentLanguageCategory;
}

export type UrgentLanguageResult =
  | { readonly kind: 'urgent'; readonly matches: readonly UrgentPhrase[] }
  | { readonly kind: 'none' };

const phrases = (category: UrgentLanguageCategory, list: readonly string[]): UrgentPhrase[] =>
  list.map((phrase) => ({ phrase, category }));

export const defaultUrgentPhrases: readonly UrgentPhrase[] = [
  ...phrases('suicidal_ideation', [
    'suicide',
    'suicidal',
    'kill myself',
    'killing myself',
    'kill my self',
    'killed myself',
    'end my life',
    'ending my life',
    'end it all',
    'end it tonight',
    'take my own life',
    'take my life',
    'taking my life',
    'want to die',
    'wanna die',
    'wish i was dead',
    'wish i were dead',
    'want to be dead',
    'rather be dead',
    'better off dead',
    'better off without me',
    'hang myself',
    'shoot myself',
    'jump off a',
    'jump in front of',
    'unalive',
    'not be here anymore',
    'dont want to be here anymore',
    'dont want to wake up',
    'never wake up',
    'dont want to live',
    'dont want to be alive',
    'goodbye forever',
    'final goodbye',
  ]),
  ...phrases('self_harm', [
    'hurt myself',
    'hurting myself',
    'harm myself',
    'harming myself',
    'self harm',
    'selfharm',
    'cut myself',
    'cutting myself',
    'burn myself',
  ]),
  ...phrases('overdose', [
    'overdose',
    'overdosed',
    'overdosing',
    'take all my pills',
    'take all the pills',
    'took all my pills',
    'took all the pills',
    'take all my doses',
    'took all my doses',
    'take them all at once',
    'took them all at once',
  ]),
  ...phrases('hopelessness', [
    'no reason to live',
    'nothing to live for',
    'not worth living',
    'life isnt worth',
    'cant go on like this',
    'cant go on anymore',
    'cannot go on like this',
    'cant keep going',
    'no way out',
    'everyone would be better off',
  ]),
];

export function normaliseForMatching(text: string): string {
  return ` ${text
    .toLowerCase()
    .replace(/[\u2018\u2019\u02bc`]/g, "'")
    .replace(/'/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()} `;
}

/**
 * Self-harm language in `text`, with every phrase that matched (so the alert can say why), or `none`.
 * Each phrase is matched once however often it appears.
 */
export function detectUrgentLanguage(
  text: string,
  list: readonly UrgentPhrase[] = defaultUrgentPhrases,
): UrgentLanguageResult {
  const haystack = normaliseForMatching(text);
  const matches = list.filter((p) => {
    const needle = normaliseForMatching(p.phrase);
    return needle.trim() !== '' && haystack.includes(needle);
  });
  return matches.length > 0 ? { kind: 'urgent', matches } : { kind: 'none' };
}
