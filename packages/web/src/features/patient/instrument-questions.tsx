import { Radio, Stack, Text, Title } from '@mantine/core';
import type { AnswerSet, AnswerValue, Instrument, InstrumentItem } from '../../api/patient-api.ts';

type ShowIf = { item: string; in: AnswerValue[] } | { anyOf: ShowIf[] };

function isShowIf(value: unknown): value is ShowIf {
  return typeof value === 'object' && value !== null && ('item' in value || 'anyOf' in value);
}

function visibleBy(rule: ShowIf, answers: AnswerSet): boolean {
  if ('anyOf' in rule) return rule.anyOf.some((r) => visibleBy(r, answers));
  const answer = answers[rule.item];
  return answer !== undefined && answer !== null && rule.in.includes(answer);
}

/** The instrument's skip logic (e.g. C-SSRS questions 3–5 only after a "yes" to question 2). */
export function isItemVisible(item: InstrumentItem, answers: AnswerSet): boolean {
  return isShowIf(item.showIf) ? visibleBy(item.showIf, answers) : true;
}

/** Answers of hidden items are dropped, so skipped questions are never sent. */
export function visibleAnswers(instrument: Instrument, answers: AnswerSet): AnswerSet {
  const out: AnswerSet = {};
  for (const item of instrument.items) {
    if (isItemVisible(item, answers) && answers[item.id] !== undefined) out[item.id] = answers[item.id] ?? null;
  }
  return out;
}

/** Required, visible items still unanswered. */
export function unansweredItems(instrument: Instrument, answers: AnswerSet): InstrumentItem[] {
  return instrument.items.filter(
    (item) => !item.optional && isItemVisible(item, answers) && (answers[item.id] === undefined || answers[item.id] === null),
  );
}

/**
 * What the patient reads instead of clinician-facing text. The C-SSRS screener is written for an interviewer
 * ("Ask questions 1 and 2…") with a clinical label under each question ("Active suicidal ideation with…"); the
 * patient gets the self-report framing and the questions alone, with plain examples for the last one.
 */
const patientWording: Record<string, { name: string; instructions: string; help: Record<string, string | null> }> = {
  'cssrs-screen': {
    name: 'Questions about difficult thoughts',
    instructions:
      'Answer yes or no. The first questions are about the past month; the last one is about any time in your life. There are no wrong answers: your care team reads them to keep you safe. If you are in danger now, call or text 988.',
    help: {
      q1: null,
      q2: null,
      q3: null,
      q4: null,
      q5: null,
      q6: 'For example: collecting pills, getting a gun, giving away valuables, writing a will or a note, or starting to do something and stopping.',
    },
  },
};

interface InstrumentQuestionsProps {
  instrument: Instrument;
  answers: AnswerSet;
  onChange: (answers: AnswerSet) => void;
  /** Item ids to mark as needing an answer (after a submit attempt or a 422 naming them). */
  errors?: Readonly<Record<string, string>>;
  headingOrder?: 2 | 3;
  idPrefix?: string;
}

/** One validated questionnaire, item by item, with its official wording and options. */
export function InstrumentQuestions({ instrument, answers, onChange, errors = {}, headingOrder = 3, idPrefix = '' }: InstrumentQuestionsProps) {
  const visible = instrument.items.filter((item) => isItemVisible(item, answers));
  const wording = patientWording[instrument.code];
  const helpFor = (item: InstrumentItem) => (wording && item.id in wording.help ? wording.help[item.id] : item.help);
  return (
    <section aria-labelledby={`${idPrefix}${instrument.code}-title`}>
      <Title order={headingOrder} size="h4" id={`${idPrefix}${instrument.code}-title`}>
        {wording?.name ?? instrument.name}
      </Title>
      <Text size="sm" c="dimmed" mb="sm" maw="75ch">
        {wording?.instructions ?? instrument.instructions}
      </Text>
      <Stack gap="md">
        {visible.map((item, index) => {
          const selected = answers[item.id];
          const selectedIndex = item.options.findIndex((o) => o.value === selected);
          return (
            <Radio.Group
              key={item.id}
              name={`${idPrefix}${instrument.code}-${item.id}`}
              label={`${index + 1}. ${item.text}`}
              description={helpFor(item) ?? (item.optional ? 'Optional' : undefined)}
              value={selectedIndex >= 0 ? String(selectedIndex) : null}
              onChange={(v) => {
                const option = item.options[Number(v)];
                if (!option) return;
                const next: AnswerSet = { ...answers, [item.id]: option.value };
                onChange(next);
              }}
              error={errors[item.id]}
              withAsterisk={!item.optional}
            >
              <Stack gap={6} mt={6}>
                {item.options.map((option, i) => (
                  <Radio key={i} value={String(i)} label={option.label} />
                ))}
              </Stack>
            </Radio.Group>
          );
        })}
      </Stack>
    </section>
  );
}
