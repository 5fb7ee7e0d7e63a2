import type { FhirResource } from './fhir-types.ts';
import { ref, resource, type MapContext } from './map-context.ts';
import type { FhirAssessment } from './patient-record.ts';
import { answerValue, instrumentDefinition, questionnaireUrl } from './questionnaires.ts';
import { LOINC, coding, concept, instrumentCoding, keelCoding, profiles, score, surveyCategory } from './terminology.ts';

/** Ids of the Observations made from one assessment: the main one keeps the assessment's id. */
export const assessmentIds = {
  main: (a: { id: string }) => a.id,
  total: (a: { id: string }) => `${a.id}-total`,
  item: (a: { id: string }, itemId: string) => `${a.id}-${itemId.replace(/[^A-Za-z0-9.-]/g, '-')}`,
};

/**
 * One assessment as FHIR: the QuestionnaireResponse with every answer, and Observations for the results. An
 * instrument LOINC codes item by item (PHQ-9, GAD-7) becomes a panel Observation whose members are the item
 * Observations and the total score; any other instrument becomes one Observation of its total (or, for the C-SSRS
 * screener, its risk level). Every Observation is derived from the QuestionnaireResponse.
 */
export function assessmentResources(ctx: MapContext, a: FhirAssessment): FhirResource[] {
  const definition = instrumentDefinition(a.instrument);
  const codes = instrumentCoding[a.instrument];
  const name = definition?.name ?? a.instrument;
  const author = ctx.actorRef(a.submittedBy);
  const qr = resource('QuestionnaireResponse', a.id, { profiles: [profiles.questionnaireResponse], lastUpdated: a.submittedAt }, {
    questionnaire: `${questionnaireUrl(ctx.program.fhirBase, a.instrument)}|${a.version}`,
    status: 'completed',
    subject: ctx.patientRef,
    authored: a.submittedAt,
    author,
    source: author?.reference.startsWith('Practitioner/') ? undefined : author,
    item: Object.entries(a.answers).map(([linkId, value]) => {
      const item = definition?.items.find((i) => i.id === linkId);
      return { linkId, text: item?.text, answer: [answerValue(a.instrument, item, value)] };
    }),
  });

  const common = {
    status: 'final',
    category: [surveyCategory],
    subject: ctx.patientRef,
    effectiveDateTime: a.submittedAt,
    issued: a.submittedAt,
    performer: author ? [author] : undefined,
    derivedFrom: [ref('QuestionnaireResponse', a.id)],
  };
  const meta = { profiles: [profiles.screeningAssessment], lastUpdated: a.submittedAt };
  const bandLabel = definition?.bands.find((b) => b.band === a.band)?.label ?? a.band ?? undefined;
  const interpretation = a.band ? [concept([keelCoding(`band-${a.instrument}`, a.band, bandLabel)], bandLabel)] : undefined;
  const notes = a.flags.length ? a.flags.map((f) => ({ text: `Safety flag: ${f}` })) : undefined;
  const instrumentKeelCoding = keelCoding('instrument', a.instrument, name);
  const out: FhirResource[] = [qr];

  if (codes?.items && codes.panel && codes.total) {
    const items = Object.entries(a.answers).flatMap(([itemId, value]) => {
      const loinc = codes.items?.[itemId];
      if (!loinc) return [];
      const item = definition?.items.find((i) => i.id === itemId);
      return [
        resource('Observation', assessmentIds.item(a, itemId), meta, {
          ...common,
          code: concept([coding(LOINC, loinc.code, loinc.display)], item?.text),
          ...answerValueAsObservation(a.instrument, item, value),
        }),
      ];
    });
    const total =
      a.total !== null
        ? resource('Observation', assessmentIds.total(a), meta, {
            ...common,
            code: concept([coding(LOINC, codes.total.code, codes.total.display)], `${name} total score`),
            valueQuantity: score(a.total),
            interpretation,
            note: notes,
          })
        : undefined;
    out.push(
      resource('Observation', a.id, meta, {
        ...common,
        code: concept([coding(LOINC, codes.panel.code, codes.panel.display), instrumentKeelCoding], name),
        interpretation,
        note: notes,
        hasMember: [...(total ? [ref('Observation', total.id)] : []), ...items.map((o) => ref('Observation', o.id))],
      }),
      ...(total ? [total] : []),
      ...items,
    );
    return out;
  }

  const value =
    a.total !== null
      ? { valueQuantity: score(a.total) }
      : { valueCodeableConcept: a.band ? concept([keelCoding(`band-${a.instrument}`, a.band, bandLabel)], bandLabel) : { text: 'No total' } };
  out.push(
    resource('Observation', a.id, meta, {
      ...common,
      code: concept([...(codes?.total ? [coding(LOINC, codes.total.code, codes.total.display)] : []), instrumentKeelCoding], codes?.total ? `${name} total score` : name),
      ...value,
      interpretation: a.total !== null ? interpretation : undefined,
      note: notes,
    }),
  );
  return out;
}

function answerValueAsObservation(instrument: string, item: Parameters<typeof answerValue>[1], value: unknown): Record<string, unknown> {
  const v = answerValue(instrument, item, value);
  if ('valueCoding' in v) return { valueCodeableConcept: { coding: [v['valueCoding']] } };
  if ('valueDecimal' in v) return { valueQuantity: { value: v['valueDecimal'] } };
  return v;
}
