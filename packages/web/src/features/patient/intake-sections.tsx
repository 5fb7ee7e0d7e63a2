import { ActionIcon, Button, Group, NativeSelect, NumberInput, Paper, Radio, Stack, Text, TextInput } from '@mantine/core';
import type { IntakeAnswers } from '../../api/patient-api.ts';
import { usStates } from '../../components/us-states.ts';
import { YesNo } from './yes-no.tsx';

/** The editable parts of the intake, one section at a time. Each section edits its own slice of the answers. */

type Demographics = NonNullable<IntakeAnswers['demographics']>;
type Psychiatric = NonNullable<IntakeAnswers['psychiatricHistory']>;
type Medical = NonNullable<IntakeAnswers['medicalHistory']>;
type Medications = NonNullable<IntakeAnswers['medications']>;
type Substance = NonNullable<IntakeAnswers['substanceUse']>;
type Support = NonNullable<IntakeAnswers['supportSystem']>;

interface SectionProps<T> {
  value: T;
  onChange: (value: T) => void;
  errorFor: (path: string) => string | undefined;
}

const num = (v: string | number): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

export function DemographicsSection({ value, onChange, errorFor }: SectionProps<Demographics>) {
  const set = <K extends keyof Demographics>(key: K, v: Demographics[K]) => onChange({ ...value, [key]: v });
  return (
    <Stack gap="md">
      <TextInput
        type="date"
        label="Date of birth"
        value={value.dateOfBirth ?? ''}
        onChange={(e) => set('dateOfBirth', e.currentTarget.value || undefined)}
        error={errorFor('demographics.dateOfBirth')}
        maw={260}
      />
      <Radio.Group
        name="sexAtBirth"
        label="Sex assigned at birth"
        description="Some medicines and screening questions depend on it."
        value={value.sexAtBirth ?? null}
        onChange={(v) => set('sexAtBirth', v === 'female' || v === 'male' ? v : undefined)}
        error={errorFor('demographics.sexAtBirth')}
      >
        <Group gap="lg" mt={6}>
          <Radio value="female" label="Female" />
          <Radio value="male" label="Male" />
        </Group>
      </Radio.Group>
      <NativeSelect
        label="State where you are located"
        description="Where you will be during sessions."
        data={[{ value: '', label: 'Choose a state' }, ...usStates.map((s) => ({ value: s.code, label: s.name }))]}
        value={value.state ?? ''}
        onChange={(e) => set('state', e.currentTarget.value || undefined)}
        error={errorFor('demographics.state')}
        maw={320}
      />
      <NumberInput
        label="Weight (kg)"
        description="1 kg is about 2.2 lb."
        min={20}
        max={400}
        value={value.weightKg ?? ''}
        onChange={(v) => set('weightKg', num(v))}
        error={errorFor('demographics.weightKg')}
        maw={200}
      />
    </Stack>
  );
}

export function PsychiatricSection({ value, onChange, errorFor }: SectionProps<Psychiatric>) {
  const set = <K extends keyof Psychiatric>(key: K, v: Psychiatric[K]) => onChange({ ...value, [key]: v });
  const attempts = value.suicideAttempts ?? {};
  return (
    <Stack gap="md">
      <TextInput
        label="Mental health diagnoses you have been given"
        description="Separate them with commas. Leave empty if none."
        value={(value.diagnoses ?? []).join(', ')}
        onChange={(e) =>
          set(
            'diagnoses',
            e.currentTarget.value
              .split(',')
              .map((d) => d.trim())
              .filter((d) => d !== ''),
          )
        }
        error={errorFor('psychiatricHistory.diagnoses')}
      />
      <NumberInput
        label="How many antidepressants have you tried during this episode of depression?"
        description="Count each medicine you took at a full dose for at least 6 weeks."
        min={0}
        max={50}
        allowDecimal={false}
        value={value.adequateAntidepressantTrialsThisEpisode ?? ''}
        onChange={(v) => set('adequateAntidepressantTrialsThisEpisode', num(v))}
        error={errorFor('psychiatricHistory.adequateAntidepressantTrialsThisEpisode')}
        maw={200}
      />
      <YesNo
        name="psychoticDisorder"
        label="Have you ever been diagnosed with a psychotic disorder, such as schizophrenia?"
        value={value.psychoticDisorder}
        onChange={(v) => set('psychoticDisorder', v)}
        error={errorFor('psychiatricHistory.psychoticDisorder')}
      />
      <YesNo
        name="bipolar"
        label="Have you had bipolar disorder with a manic or mixed episode?"
        value={value.bipolarManiaOrMixed}
        onChange={(v) => set('bipolarManiaOrMixed', v)}
        error={errorFor('psychiatricHistory.bipolarManiaOrMixed')}
      />
      <NumberInput
        label="How many times in your life have you tried to end your life?"
        description="This is asked of everyone. Enter 0 if never."
        min={0}
        max={100}
        allowDecimal={false}
        value={attempts.lifetimeCount ?? ''}
        onChange={(v) => set('suicideAttempts', { ...attempts, lifetimeCount: num(v) })}
        error={errorFor('psychiatricHistory.suicideAttempts.lifetimeCount')}
        maw={200}
      />
      {(attempts.lifetimeCount ?? 0) > 0 && (
        <TextInput
          type="date"
          label="When was the most recent time?"
          value={attempts.mostRecentDate ?? ''}
          onChange={(e) => set('suicideAttempts', { ...attempts, mostRecentDate: e.currentTarget.value || undefined })}
          error={errorFor('psychiatricHistory.suicideAttempts.mostRecentDate')}
          maw={260}
        />
      )}
    </Stack>
  );
}

const medicalQuestions: readonly { key: keyof Medical; label: string }[] = [
  { key: 'aneurysmalVascularDisease', label: 'An aneurysm (brain, chest, abdominal aorta, arms or legs)?' },
  { key: 'arteriovenousMalformation', label: 'An arteriovenous malformation (AVM)?' },
  { key: 'intracerebralHaemorrhage', label: 'Bleeding in the brain, ever?' },
  { key: 'recentMyocardialInfarction', label: 'A heart attack in the last 6 months?' },
  { key: 'recentStroke', label: 'A stroke in the last 6 months?' },
  { key: 'unstableAngina', label: 'Unstable angina (chest pain that comes on at rest or is getting worse)?' },
  { key: 'arrhythmia', label: 'An irregular heart rhythm?' },
  { key: 'hypertension', label: 'High blood pressure?' },
  { key: 'bladderOrInterstitialCystitis', label: 'Bladder problems or interstitial cystitis?' },
  { key: 'seizureDisorder', label: 'Seizures or epilepsy?' },
  { key: 'sleepApnoea', label: 'Sleep apnea?' },
  { key: 'respiratoryDisease', label: 'A lung or breathing disease?' },
  { key: 'raisedIntracranialPressure', label: 'Raised pressure inside the skull?' },
];

export function MedicalSection({ value, onChange, errorFor, sexAtBirth }: SectionProps<Medical> & { sexAtBirth: string | undefined }) {
  const set = <K extends keyof Medical>(key: K, v: Medical[K]) => onChange({ ...value, [key]: v });
  const bp = value.restingBp ?? {};
  const cardiac = value.recentMyocardialInfarction || value.recentStroke || value.unstableAngina || value.arrhythmia || value.hypertensionUncontrolled;
  return (
    <Stack gap="md">
      <Text size="sm">Have you ever had, or do you have now:</Text>
      {medicalQuestions.map((q) => (
        <Stack key={q.key} gap="md">
          <YesNo
            name={`medical-${q.key}`}
            label={q.label}
            value={value[q.key] as boolean | undefined}
            onChange={(v) => set(q.key, v as never)}
            error={errorFor(`medicalHistory.${q.key}`)}
          />
          {q.key === 'hypertension' && value.hypertension && (
            <YesNo
              name="hypertensionUncontrolled"
              label="Is your blood pressure still high even with treatment?"
              value={value.hypertensionUncontrolled}
              onChange={(v) => set('hypertensionUncontrolled', v)}
              error={errorFor('medicalHistory.hypertensionUncontrolled')}
            />
          )}
        </Stack>
      ))}
      {cardiac && (
        <YesNo
          name="cardiologyClearance"
          label="Has a heart specialist cleared you for this treatment in writing?"
          value={value.cardiologyClearance}
          onChange={(v) => set('cardiologyClearance', v)}
          error={errorFor('medicalHistory.cardiologyClearance')}
        />
      )}
      <Group gap="md" align="flex-start">
        <NumberInput
          label="Resting blood pressure: top number (mmHg)"
          min={50}
          max={300}
          allowDecimal={false}
          value={bp.systolicMmHg ?? ''}
          onChange={(v) => set('restingBp', { ...bp, systolicMmHg: num(v) })}
          error={errorFor('medicalHistory.restingBp.systolicMmHg')}
          w={260}
        />
        <NumberInput
          label="Bottom number (mmHg)"
          min={30}
          max={200}
          allowDecimal={false}
          value={bp.diastolicMmHg ?? ''}
          onChange={(v) => set('restingBp', { ...bp, diastolicMmHg: num(v) })}
          error={errorFor('medicalHistory.restingBp.diastolicMmHg')}
          w={200}
        />
      </Group>
      <NativeSelect
        label="Liver problems"
        data={[
          { value: '', label: 'Choose one' },
          { value: 'none', label: 'None' },
          { value: 'mild', label: 'Mild' },
          { value: 'moderate', label: 'Moderate' },
          { value: 'severe', label: 'Severe' },
        ]}
        value={value.liverImpairment ?? ''}
        onChange={(e) => {
          const v = e.currentTarget.value;
          set('liverImpairment', v === 'none' || v === 'mild' || v === 'moderate' || v === 'severe' ? v : undefined);
        }}
        error={errorFor('medicalHistory.liverImpairment')}
        maw={260}
      />
      {sexAtBirth !== 'male' && (
        <>
          <YesNo name="pregnant" label="Are you pregnant, or could you be?" value={value.pregnant} onChange={(v) => set('pregnant', v)} error={errorFor('medicalHistory.pregnant')} />
          <YesNo name="breastfeeding" label="Are you breastfeeding?" value={value.breastfeeding} onChange={(v) => set('breastfeeding', v)} error={errorFor('medicalHistory.breastfeeding')} />
        </>
      )}
    </Stack>
  );
}

const medicationClasses = [
  { value: '', label: 'Choose the kind' },
  { value: 'benzodiazepine', label: 'Benzodiazepine (e.g. lorazepam, diazepam, alprazolam)' },
  { value: 'lamotrigine', label: 'Lamotrigine' },
  { value: 'maoi', label: 'MAOI antidepressant' },
  { value: 'stimulant', label: 'Stimulant (e.g. for ADHD)' },
  { value: 'opioid', label: 'Opioid pain medicine' },
  { value: 'other_sedative', label: 'Other sleeping or calming medicine' },
  { value: 'other', label: 'Something else' },
] as const;
type MedicationClass = Exclude<(typeof medicationClasses)[number]['value'], ''>;
const isMedicationClass = (v: string): v is MedicationClass => medicationClasses.some((c) => c.value === v && v !== '');

export function MedicationsSection({ value, onChange, errorFor }: SectionProps<Medications>) {
  const list = value.list ?? [];
  const setList = (next: typeof list) => onChange({ ...value, list: next });
  return (
    <Stack gap="md">
      <YesNo
        name="medications-none"
        label="Are you taking any medicines at the moment (prescribed or over the counter)?"
        value={value.none === undefined ? undefined : !value.none}
        onChange={(taking) => onChange({ ...value, none: !taking, list: taking ? (list.length > 0 ? list : [{}]) : [] })}
        error={errorFor('medications.none')}
      />
      {value.none === false && (
        <Stack gap="sm">
          {list.map((med, i) => (
            <Paper key={i} withBorder p="sm" radius="md">
              <Stack gap="xs">
                <Group justify="space-between" wrap="nowrap">
                  <Text fw={600} size="sm">
                    Medicine {i + 1}
                  </Text>
                  <ActionIcon
                    variant="subtle"
                    color="gray"
                    aria-label={`Remove medicine ${i + 1}`}
                    onClick={() => setList(list.filter((_, j) => j !== i))}
                  >
                    ✕
                  </ActionIcon>
                </Group>
                <TextInput
                  label="Name"
                  value={med.name ?? ''}
                  onChange={(e) => setList(list.map((m, j) => (j === i ? { ...m, name: e.currentTarget.value || undefined } : m)))}
                  error={errorFor(`medications.list.${i}.name`)}
                />
                <NativeSelect
                  label="What kind of medicine is it?"
                  data={medicationClasses.map((c) => ({ value: c.value, label: c.label }))}
                  value={med.class ?? ''}
                  onChange={(e) => {
                    const v = e.currentTarget.value;
                    setList(list.map((m, j) => (j === i ? { ...m, class: isMedicationClass(v) ? v : undefined } : m)));
                  }}
                  error={errorFor(`medications.list.${i}.class`)}
                />
                {med.class === 'benzodiazepine' && (
                  <NumberInput
                    label="Daily dose as diazepam equivalent (mg), if you know it"
                    description="Your clinician can help work this out."
                    min={0}
                    max={1000}
                    value={med.diazepamEquivalentMgPerDay ?? ''}
                    onChange={(v) => setList(list.map((m, j) => (j === i ? { ...m, diazepamEquivalentMgPerDay: num(v) } : m)))}
                    maw={260}
                  />
                )}
              </Stack>
            </Paper>
          ))}
          <Group>
            <Button variant="light" onClick={() => setList([...list, {}])}>
              Add another medicine
            </Button>
          </Group>
        </Stack>
      )}
    </Stack>
  );
}

export function SubstanceSection({ value, onChange, errorFor }: SectionProps<Substance>) {
  const set = <K extends keyof Substance>(key: K, v: Substance[K]) => onChange({ ...value, [key]: v });
  return (
    <Stack gap="md">
      <YesNo name="activeSud" label="Do you have a problem with alcohol or drug use at the moment?" value={value.activeSud} onChange={(v) => set('activeSud', v)} error={errorFor('substanceUse.activeSud')} />
      <YesNo name="sudInRemission" label="Have you had a problem with alcohol or drugs that is now in recovery?" value={value.sudInRemission} onChange={(v) => set('sudInRemission', v)} error={errorFor('substanceUse.sudInRemission')} />
      {value.sudInRemission && (
        <NumberInput
          label="For how many months?"
          min={0}
          max={1000}
          allowDecimal={false}
          value={value.remissionMonths ?? ''}
          onChange={(v) => set('remissionMonths', num(v))}
          error={errorFor('substanceUse.remissionMonths')}
          maw={200}
        />
      )}
      <YesNo
        name="personalHistoryOfSud"
        label="Have you ever had a problem with alcohol or drug use in the past?"
        value={value.personalHistoryOfSud}
        onChange={(v) => set('personalHistoryOfSud', v)}
        error={errorFor('substanceUse.personalHistoryOfSud')}
      />
      <YesNo
        name="familyHistoryOfSud"
        label="Has a parent, brother or sister had a problem with alcohol or drug use?"
        value={value.familyHistoryOfSud}
        onChange={(v) => set('familyHistoryOfSud', v)}
        error={errorFor('substanceUse.familyHistoryOfSud')}
      />
    </Stack>
  );
}

export function SupportSection({ value, onChange, errorFor }: SectionProps<Support>) {
  const sitter = value.sitter ?? {};
  const setSitter = (next: typeof sitter) => onChange({ ...value, sitter: next });
  return (
    <Stack gap="md">
      <Text size="sm" maw="65ch">
        Every session needs a sitter: a trusted adult who stays with you, sober, from before the dose until you are back to your usual
        self. They get their own Keel account.
      </Text>
      <YesNo
        name="hasSitter"
        label="Do you have an adult who can sit with you at every session?"
        value={value.hasSitter}
        onChange={(v) => onChange({ ...value, hasSitter: v })}
        error={errorFor('supportSystem.hasSitter')}
      />
      {value.hasSitter && (
        <>
          <TextInput label="Their name" value={sitter.name ?? ''} onChange={(e) => setSitter({ ...sitter, name: e.currentTarget.value || undefined })} error={errorFor('supportSystem.sitter.name')} />
          <TextInput
            label="How are they related to you?"
            description="For example: partner, friend, sister."
            value={sitter.relationship ?? ''}
            onChange={(e) => setSitter({ ...sitter, relationship: e.currentTarget.value || undefined })}
            error={errorFor('supportSystem.sitter.relationship')}
          />
          <YesNo name="sitterAdult" label="Are they 18 or older?" value={sitter.isAdult} onChange={(v) => setSitter({ ...sitter, isAdult: v })} error={errorFor('supportSystem.sitter.isAdult')} />
          <YesNo
            name="sitterEvery"
            label="Can they be with you at every session?"
            value={sitter.canAttendEverySession}
            onChange={(v) => setSitter({ ...sitter, canAttendEverySession: v })}
            error={errorFor('supportSystem.sitter.canAttendEverySession')}
          />
        </>
      )}
    </Stack>
  );
}
