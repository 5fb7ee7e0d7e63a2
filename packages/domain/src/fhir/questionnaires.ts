import { getInstrument } from '../instruments/index.ts';
import type { InstrumentDefinition, InstrumentItem, InstrumentOption } from '../instruments/index.ts';
import type { Coding, FhirResource } from './fhir-types.ts';
import { resource } from './map-context.ts';
import { LOINC, coding, instrumentCoding, keelCoding } from './terminology.ts';

/** The canonical URL of an instrument's Questionnaire: it resolves at this server's FHIR base. */
export const questionnaireUrl = (fhirBase: string, instrument: string): string => `${fhirBase}/Questionnaire/${instrument}`;

const isYesNo = (item: InstrumentItem): boolean => item.options.every((o) => typeof o.value === 'boolean');

/** The coded answer of an option: its LOINC answer code where the instrument has one, else a Keel code. */
export function answerCoding(instrument: string, item: InstrumentItem, option: InstrumentOption): Coding {
  const loinc = instrumentCoding[instrument]?.answers?.(item.id)?.[String(option.value)];
  if (loinc) return coding(LOINC, loinc.code, loinc.display);
  return keelCoding(`answers-${instrument}`, `${item.id}-${String(option.value)}`, option.label);
}

/** The QuestionnaireResponse / Observation value of one stored answer. */
export function answerValue(instrument: string, item: InstrumentItem | undefined, value: unknown): Record<string, unknown> {
  if (typeof value === 'boolean') return { valueBoolean: value };
  const option = item?.options.find((o) => o.value === value);
  if (item && option && !isYesNo(item)) return { valueCoding: answerCoding(instrument, item, option) };
  if (typeof value === 'number') return Number.isInteger(value) ? { valueInteger: value } : { valueDecimal: value };
  return { valueString: String(value) };
}

/** An instrument as a FHIR Questionnaire, items coded with LOINC where LOINC has them and scored options weighted. */
export function questionnaireResource(fhirBase: string, definition: InstrumentDefinition, lastUpdated: string): FhirResource {
  const codes = instrumentCoding[definition.code];
  return resource('Questionnaire', definition.code, { lastUpdated }, {
    url: questionnaireUrl(fhirBase, definition.code),
    version: definition.version,
    name: definition.code.replace(/[^A-Za-z0-9]/g, '_').toUpperCase(),
    title: definition.name,
    status: 'active',
    subjectType: ['Patient'],
    description: `${definition.instructions}\n\nScoring: ${definition.scoring}`,
    copyright: definition.attribution,
    code: codes?.panel ? [coding(LOINC, codes.panel.code, codes.panel.display)] : [keelCoding('instrument', definition.code, definition.name)],
    item: definition.items.map((item) => {
      const loinc = codes?.items?.[item.id];
      const base = {
        linkId: item.id,
        code: loinc ? [coding(LOINC, loinc.code, loinc.display)] : undefined,
        text: item.text,
        required: item.optional !== true && !item.showIf,
        enableWhen: item.showIf && 'item' in item.showIf ? item.showIf.in.map((v) => ({ question: (item.showIf as { item: string }).item, operator: '=', ...(typeof v === 'boolean' ? { answerBoolean: v } : { answerCoding: answerCodingFor(definition, (item.showIf as { item: string }).item, v) }) })) : undefined,
        enableBehavior: item.showIf && 'item' in item.showIf && item.showIf.in.length > 1 ? 'any' : undefined,
      };
      if (isYesNo(item)) return { ...base, type: 'boolean' };
      return {
        ...base,
        type: 'choice',
        answerOption: item.options.map((o) => ({
          valueCoding: answerCoding(definition.code, item, o),
          extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/ordinalValue', valueDecimal: o.points }],
        })),
      };
    }),
  });
}

function answerCodingFor(definition: InstrumentDefinition, itemId: string, value: number | boolean): Coding | undefined {
  const item = definition.items.find((i) => i.id === itemId);
  const option = item?.options.find((o) => o.value === value);
  return item && option ? answerCoding(definition.code, item, option) : undefined;
}

/** The current definition of an instrument, if Keel has it. */
export const instrumentDefinition = (code: string): InstrumentDefinition | undefined => getInstrument(code);
