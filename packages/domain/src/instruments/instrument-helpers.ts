import type { AnswerValue, InstrumentBand, InstrumentDefinition, InstrumentItem, InstrumentOption } from './instrument.types.ts';

export const yesNoOptions: readonly InstrumentOption[] = [
  { value: false, label: 'No', points: 0 },
  { value: true, label: 'Yes', points: 1 },
];

/** PHQ-9 / GAD-7 frequency scale over the last 2 weeks (official response labels). */
export const frequencyOptions: readonly InstrumentOption[] = [
  { value: 0, label: 'Not at all', points: 0 },
  { value: 1, label: 'Several days', points: 1 },
  { value: 2, label: 'More than half the days', points: 2 },
  { value: 3, label: 'Nearly every day', points: 3 },
];

export function pointsOf(item: InstrumentItem, value: AnswerValue): number {
  const option = item.options.find((o) => o.value === value);
  // Only called on validated answers, so an option always exists; 0 keeps the function total.
  return option?.points ?? 0;
}

/** Sum of the points of the scored items that were answered. */
export function sumPoints(definition: InstrumentDefinition, answers: Readonly<Record<string, AnswerValue>>): number {
  let total = 0;
  for (const item of definition.items) {
    const value = answers[item.id];
    if (item.scored && value !== undefined) total += pointsOf(item, value);
  }
  return total;
}

/** The band whose inclusive [min, max] holds the total; undefined only if the definition's bands have a gap. */
export function bandForTotal(bands: readonly InstrumentBand[], total: number): InstrumentBand | undefined {
  return bands.find((b) => b.min !== undefined && b.max !== undefined && total >= b.min && total <= b.max);
}

export function itemById(definition: InstrumentDefinition, id: string): InstrumentItem {
  const item = definition.items.find((i) => i.id === id);
  if (!item) throw new Error(`instrument ${definition.code} has no item ${id}`); // a programming error in a definition
  return item;
}
