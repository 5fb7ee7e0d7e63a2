import { Alert, Button, Group, List, NativeSelect, NumberInput, Paper, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { addDays, wallClock } from '@keel/domain';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { isApiError, type ApiError } from '../../api/api-error.ts';
import { adminApi, adminKeys, type ProgramSettings } from '../../api/admin-api.ts';
import { boardApi, boardKeys, type NewShift, type Shift } from '../../api/board-api.ts';
import { ConfirmAction } from '../../components/confirm-action.tsx';
import { NothingHereYet } from '../../components/nothing-here-yet.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { ProblemAlert } from '../../components/problem-alert.tsx';
import { groupByStartDay, rangeInZone, viewerTimeZone } from '../../features/board/shift-days.ts';
import { amber } from '../../features/clinician/badges.tsx';
import { QueryView } from '../../features/clinician/query-view.tsx';

/** The rota shows, and checks for gaps over, this many days from now. */
const horizonDays = 14;
const DAY_MS = 86_400_000;

/** The zones a US program's staff work in; the program's own zone and the viewer's are added when missing. */
const usZones: readonly { value: string; label: string }[] = [
  { value: 'America/New_York', label: 'Eastern (America/New_York)' },
  { value: 'America/Chicago', label: 'Central (America/Chicago)' },
  { value: 'America/Denver', label: 'Mountain (America/Denver)' },
  { value: 'America/Phoenix', label: 'Arizona (America/Phoenix)' },
  { value: 'America/Los_Angeles', label: 'Pacific (America/Los_Angeles)' },
  { value: 'America/Anchorage', label: 'Alaska (America/Anchorage)' },
  { value: 'Pacific/Honolulu', label: 'Hawaii (Pacific/Honolulu)' },
];

/** The program's time zone from its settings (dosing.compliance.timeZone). */
export function programTimeZone(settings: ProgramSettings | undefined): string | null {
  const compliance = settings?.settings.dosing['compliance'];
  if (typeof compliance !== 'object' || compliance === null) return null;
  const zone = (compliance as Record<string, unknown>)['timeZone'];
  return typeof zone === 'string' && zone !== '' ? zone : null;
}

function zoneOptions(programZone: string | null, viewerZone: string) {
  const options = [...usZones];
  for (const [zone, who] of [
    [programZone, 'program'],
    [viewerZone, 'yours'],
  ] as const) {
    if (zone && !options.some((o) => o.value === zone)) options.push({ value: zone, label: `${zone} (${who})` });
  }
  return options.map((o) => (o.value === programZone ? { ...o, label: `${o.label} — the program’s` } : o));
}

/** The 409 answer in plain words, naming the shift already there. */
function overlapWords(error: ApiError): string {
  const other = error.problem['conflictingShift'] ?? error.problem['conflict'];
  if (typeof other === 'object' && other !== null) {
    const s = other as Partial<Shift>;
    if (s.clinicianName && s.startsAt && s.endsAt) {
      return `It overlaps ${s.clinicianName}’s shift, ${rangeInZone(s.startsAt, s.endsAt, s.timeZone ?? viewerTimeZone())}. Cancel that shift first, or choose times that do not overlap it.`;
    }
  }
  return `${error.detail} Choose times that do not overlap another shift.`;
}

function GapsBanner() {
  const gaps = useQuery({ queryKey: boardKeys.gaps, queryFn: () => boardApi.gaps(horizonDays) });
  const zone = viewerTimeZone();
  if (gaps.isPending) return <Text size="sm">Checking the next {horizonDays} days for gaps…</Text>;
  if (gaps.isError) return <ProblemAlert error={gaps.error} title="Could not check the rota for gaps" />;
  if (gaps.data.items.length === 0) {
    return (
      <Alert variant="light" color="keel" title="Covered" data-testid="coverage-gaps" data-gaps="0">
        Someone is on call for every hour of the next {horizonDays} days.
      </Alert>
    );
  }
  return (
    <Alert variant="outline" color={amber} title={`Coverage gaps in the next ${horizonDays} days`} data-testid="coverage-gaps" data-gaps={gaps.data.items.length}>
      <Text size="sm" mb={4}>
        Urgent alerts in these windows reach only each patient’s own clinician. Times in your zone ({zone}).
      </Text>
      <List size="sm" spacing={2}>
        {gaps.data.items.map((g) => (
          <List.Item key={g.startsAt}>No one is on call from {rangeInZone(g.startsAt, g.endsAt, zone).replace(' – ', ' to ')}.</List.Item>
        ))}
      </List>
    </Alert>
  );
}

function ShiftRow({ shift, onCancelled }: { shift: Shift; onCancelled: () => Promise<void> }) {
  const viewerZone = viewerTimeZone();
  const cancel = useMutation({ mutationFn: () => boardApi.cancelShift(shift.id), onSuccess: onCancelled });
  const range = rangeInZone(shift.startsAt, shift.endsAt, shift.timeZone);
  const mine = rangeInZone(shift.startsAt, shift.endsAt, viewerZone);
  return (
    <Paper withBorder radius="md" p="sm" component="li" data-testid="shift" data-shift-id={shift.id}>
      <Group justify="space-between" align="flex-start" wrap="wrap" gap="sm">
        <Stack gap={2}>
          <Text fw={650}>{shift.clinicianName}</Text>
          <Text size="sm">{shift.backupClinicianName ? `Backup: ${shift.backupClinicianName}` : 'No backup'}</Text>
          <Text size="sm">
            {range} <Text span size="xs" c="dimmed">({shift.timeZone})</Text>
          </Text>
          {mine !== range && (
            <Text size="sm" c="dimmed">
              Your time: {mine}
            </Text>
          )}
          {cancel.error !== null && <ProblemAlert error={cancel.error} title="The shift was not cancelled" />}
        </Stack>
        <ConfirmAction
          label="Cancel shift"
          ariaLabel={`Cancel ${shift.clinicianName}’s shift, ${range}`}
          title={`Cancel ${shift.clinicianName}’s shift?`}
          consequence={`${range}. No one from this shift will be on call then; the cancelled shift stays in the record.`}
          confirmLabel="Cancel shift"
          onConfirm={() => cancel.mutate()}
          loading={cancel.isPending}
          buttonProps={{ size: 'xs' }}
        />
      </Group>
    </Paper>
  );
}

function AddShiftForm({ defaultZone, onAdded }: { defaultZone: string; onAdded: () => Promise<void> }) {
  const clinicians = useQuery({ queryKey: adminKeys.accounts({ role: 'clinician' }), queryFn: () => adminApi.accounts({ role: 'clinician' }) });
  const active = (clinicians.data?.items ?? []).filter((c) => c.status !== 'deactivated');
  const tomorrow = addDays(wallClock(new Date(), defaultZone).date, 1);
  const [clinicianId, setClinicianId] = useState('');
  const [backupId, setBackupId] = useState('');
  const [startsLocal, setStartsLocal] = useState(`${tomorrow}T08:00`);
  const [endsLocal, setEndsLocal] = useState(`${tomorrow}T20:00`);
  const [timeZone, setTimeZone] = useState(defaultZone);
  const [repeatWeeks, setRepeatWeeks] = useState<number>(0);
  const [missing, setMissing] = useState<Record<string, string>>({});
  const add = useMutation({
    mutationFn: (body: NewShift) => boardApi.addShift(body),
    onSuccess: async () => {
      setMissing({});
      await onAdded();
    },
  });
  const overlap = isApiError(add.error) && add.error.status === 409 ? add.error : null;
  const fe = (k: string) => missing[k] ?? (isApiError(add.error) ? add.error.fieldError(k) : undefined);
  return (
    <form
      noValidate
      aria-labelledby="add-shift-heading"
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        const errs: Record<string, string> = {};
        if (!clinicianId) errs['clinicianId'] = 'Choose who is on call.';
        if (backupId && backupId === clinicianId) errs['backupClinicianId'] = 'The backup must be someone else.';
        if (!startsLocal) errs['startsLocal'] = 'Enter when the shift starts.';
        if (!endsLocal) errs['endsLocal'] = 'Enter when the shift ends.';
        else if (startsLocal && endsLocal <= startsLocal) errs['endsLocal'] = 'The shift must end after it starts.';
        setMissing(errs);
        if (Object.keys(errs).length > 0) return;
        add.mutate({ clinicianId, ...(backupId ? { backupClinicianId: backupId } : {}), startsLocal, endsLocal, timeZone, repeatWeeks });
      }}
    >
      <Stack gap="sm">
        <Title order={2} size="h4" id="add-shift-heading">
          Add a shift
        </Title>
        {clinicians.isError && <ProblemAlert error={clinicians.error} title="Could not load the clinicians" />}
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <NativeSelect
            label="On call"
            required
            value={clinicianId}
            onChange={(e) => setClinicianId(e.currentTarget.value)}
            error={fe('clinicianId')}
            data={[{ value: '', label: clinicians.isPending ? 'Loading clinicians…' : 'Choose a clinician…' }, ...active.map((c) => ({ value: c.id, label: c.name }))]}
          />
          <NativeSelect
            label="Backup"
            description="Called when the clinician on call does not answer."
            value={backupId}
            onChange={(e) => setBackupId(e.currentTarget.value)}
            error={fe('backupClinicianId')}
            data={[{ value: '', label: 'No backup' }, ...active.filter((c) => c.id !== clinicianId).map((c) => ({ value: c.id, label: c.name }))]}
          />
          <TextInput type="datetime-local" label="Starts" required value={startsLocal} onChange={(e) => setStartsLocal(e.currentTarget.value)} error={fe('startsLocal')} />
          <TextInput type="datetime-local" label="Ends" required value={endsLocal} onChange={(e) => setEndsLocal(e.currentTarget.value)} error={fe('endsLocal')} />
          <NativeSelect label="Time zone" description="The start and end are wall-clock times in this zone." value={timeZone} onChange={(e) => setTimeZone(e.currentTarget.value)} error={fe('timeZone')} data={zoneOptions(defaultZone, viewerTimeZone())} />
          <NumberInput
            label="Repeat weekly"
            description="How many more weeks the same shift repeats (0 to 12)."
            min={0}
            max={12}
            allowDecimal={false}
            allowNegative={false}
            clampBehavior="strict"
            value={repeatWeeks}
            onChange={(v) => setRepeatWeeks(typeof v === 'number' ? v : 0)}
            error={fe('repeatWeeks')}
          />
        </SimpleGrid>
        {overlap ? (
          <Alert color="red" variant="light" title="This shift overlaps another" role="alert" data-testid="overlap-error">
            {overlapWords(overlap)}
          </Alert>
        ) : (
          add.error !== null && <ProblemAlert error={add.error} fieldsShownInline={['clinicianId', 'backupClinicianId', 'startsLocal', 'endsLocal', 'timeZone', 'repeatWeeks']} />
        )}
        {add.isSuccess && (
          <Text size="sm" role="status">
            {repeatWeeks > 0 ? `Shift added, repeating for ${repeatWeeks} more week${repeatWeeks === 1 ? '' : 's'}.` : 'Shift added.'}
          </Text>
        )}
        <Button type="submit" loading={add.isPending} w="fit-content">
          Add shift
        </Button>
      </Stack>
    </form>
  );
}

/** Admin: who is on call over the next two weeks, gaps in the cover, and adding or cancelling shifts. */
export function OnCallPage() {
  const queryClient = useQueryClient();
  const [span] = useState(() => {
    const from = Date.now();
    return { from: new Date(from).toISOString(), to: new Date(from + horizonDays * DAY_MS).toISOString() };
  });
  const settings = useQuery({ queryKey: adminKeys.settings, queryFn: adminApi.settings });
  const shifts = useQuery({ queryKey: boardKeys.shifts(span.from, span.to), queryFn: () => boardApi.shifts(span.from, span.to) });
  const refresh = async () => {
    await queryClient.invalidateQueries({ queryKey: ['on-call'] });
  };
  const defaultZone = programTimeZone(settings.data) ?? viewerTimeZone();
  return (
    <>
      <PageHeader title="On-call rota" description="Who answers urgent alerts, escalations and sitters’ concerns for every patient, hour by hour. Two shifts never overlap." />
      <Stack gap="lg">
        <GapsBanner />
        <Paper withBorder p="md" radius="md" component="section" aria-labelledby="shifts-heading">
          <Title order={2} size="h4" id="shifts-heading" mb="sm">
            The next {horizonDays} days
          </Title>
          <QueryView query={shifts} what="the rota" loadingLabel="Loading the rota…">
            {(data) =>
              data.items.length === 0 ? (
                <NothingHereYet description={`No shifts in the next ${horizonDays} days. Add one below.`} />
              ) : (
                <Stack gap="md">
                  {groupByStartDay(data.items).map((day) => (
                    <Stack key={day.date} gap="xs" component="section" aria-labelledby={`day-${day.date}`}>
                      <Title order={3} size="h5" id={`day-${day.date}`}>
                        {day.heading}
                      </Title>
                      <Stack gap="xs" component="ul" style={{ listStyle: 'none', paddingLeft: 0, margin: 0 }}>
                        {day.shifts.map((s) => (
                          <ShiftRow key={s.id} shift={s} onCancelled={refresh} />
                        ))}
                      </Stack>
                    </Stack>
                  ))}
                </Stack>
              )
            }
          </QueryView>
        </Paper>
        <Paper withBorder p="md" radius="md">
          {settings.isPending ? <Text size="sm">Loading the program’s time zone…</Text> : <AddShiftForm key={defaultZone} defaultZone={defaultZone} onAdded={refresh} />}
        </Paper>
      </Stack>
    </>
  );
}
