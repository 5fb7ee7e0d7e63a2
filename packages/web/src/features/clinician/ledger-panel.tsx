import { Alert, Badge, Button, Group, List, NativeSelect, NumberInput, Paper, SimpleGrid, Stack, Table, Text, Textarea, TextInput, Title, VisuallyHidden } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { isApiError } from '../../api/api-error.ts';
import { clinicianApi, clinicianKeys, type DispenseRequest, type Ledger } from '../../api/clinician-api.ts';
import { ConfirmAction } from '../../components/confirm-action.tsx';
import { ProblemAlert } from '../../components/problem-alert.tsx';
import { formatDateTime, humanize, localDateTimeInputValue, localInputToIso } from './format.ts';
import { QueryView } from './query-view.tsx';

const fieldError = (error: unknown, field: string) => (isApiError(error) ? error.fieldError(field) : undefined);

function CountForm({ patientId }: { patientId: string }) {
  const queryClient = useQueryClient();
  const [counted, setCounted] = useState<number | ''>('');
  const [note, setNote] = useState('');
  const count = useMutation({
    mutationFn: () => clinicianApi.recordCount(patientId, { countedUnits: Number(counted), ...(note.trim() ? { note: note.trim() } : {}) }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: clinicianKeys.patient(patientId) }),
  });
  return (
    <form
      noValidate
      aria-labelledby="count-heading"
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        if (counted !== '') count.mutate();
      }}
    >
      <Stack gap="sm">
        <Title order={4} size="h5" id="count-heading">
          Record a pill count
        </Title>
        <NumberInput label="Units counted" required min={0} allowNegative={false} allowDecimal={false} value={counted} onChange={(v) => setCounted(v === '' ? '' : Number(v))} error={fieldError(count.error, 'countedUnits')} />
        <Textarea label="Note (optional)" autosize minRows={1} value={note} onChange={(e) => setNote(e.currentTarget.value)} />
        {count.error && <ProblemAlert error={count.error} fieldsShownInline={['countedUnits']} />}
        {count.data && (
          <Alert color={count.data.discrepancy === 0 ? 'keel' : 'red'} variant="light" role="status" title={count.data.discrepancy === 0 ? 'The count matches the ledger' : 'The count does not match the ledger'}>
            Expected {count.data.expectedUnits}, counted {count.data.countedUnits}: discrepancy {count.data.discrepancy > 0 ? '+' : ''}
            {count.data.discrepancy}. On hand is now {count.data.onHand}.
          </Alert>
        )}
        <Button type="submit" loading={count.isPending} disabled={counted === ''} w="fit-content">
          Record count
        </Button>
      </Stack>
    </form>
  );
}

function LossForm({ patientId }: { patientId: string }) {
  const queryClient = useQueryClient();
  const [units, setUnits] = useState<number | ''>('');
  const [kind, setKind] = useState<'lost' | 'stolen'>('lost');
  const [circumstances, setCircumstances] = useState('');
  const loss = useMutation({
    mutationFn: () => clinicianApi.recordLoss(patientId, { units: Number(units), kind, circumstances: circumstances.trim() }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: clinicianKeys.patient(patientId) }),
  });
  return (
    <form
      noValidate
      aria-labelledby="loss-heading"
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        loss.mutate();
      }}
    >
      <Stack gap="sm">
        <Title order={4} size="h5" id="loss-heading">
          Record a loss
        </Title>
        <SimpleGrid cols={2}>
          <NumberInput label="Units" required min={1} allowNegative={false} allowDecimal={false} value={units} onChange={(v) => setUnits(v === '' ? '' : Number(v))} error={fieldError(loss.error, 'units')} />
          <NativeSelect label="Kind" value={kind} onChange={(e) => setKind(e.currentTarget.value as 'lost' | 'stolen')} data={[{ value: 'lost', label: 'Lost' }, { value: 'stolen', label: 'Stolen' }]} />
        </SimpleGrid>
        <Textarea label="Circumstances" required autosize minRows={2} value={circumstances} onChange={(e) => setCircumstances(e.currentTarget.value)} error={fieldError(loss.error, 'circumstances')} />
        {loss.error && <ProblemAlert error={loss.error} fieldsShownInline={['units', 'circumstances']} />}
        {loss.data && (
          <Text size="sm" role="status">
            Loss recorded. On hand is now {loss.data.onHand}.
          </Text>
        )}
        <Button type="submit" loading={loss.isPending} w="fit-content">
          Record loss
        </Button>
      </Stack>
    </form>
  );
}

const forms = [
  { value: 'sublingual_tablet', label: 'Sublingual tablet' },
  { value: 'troche', label: 'Troche' },
  { value: 'oral_tablet', label: 'Oral tablet' },
  { value: 'oral_solution', label: 'Oral solution' },
] as const;

function DispenseForm({ patientId }: { patientId: string }) {
  const queryClient = useQueryClient();
  const [v, setV] = useState({ units: '' as number | '', form: 'sublingual_tablet' as DispenseRequest['form'], strengthMg: '' as number | '', dispensedAt: localDateTimeInputValue(), dispenser: '', shipTo: '' });
  const dispense = useMutation({
    mutationFn: () =>
      clinicianApi.dispense(patientId, {
        units: Number(v.units),
        form: v.form,
        strengthMg: Number(v.strengthMg),
        dispensedAt: localInputToIso(v.dispensedAt),
        dispenser: v.dispenser.trim(),
        shipTo: v.shipTo.trim(),
      }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: clinicianKeys.patient(patientId) }),
  });
  const fe = (f: string) => fieldError(dispense.error, f);
  return (
    <form
      noValidate
      aria-labelledby="dispense-heading"
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        dispense.mutate();
      }}
    >
      <Stack gap="sm">
        <Title order={4} size="h5" id="dispense-heading">
          Record a dispense
        </Title>
        <Text size="sm">The DEA record: what was dispensed, when, by whom and where it was sent. The prescriber’s name and DEA registration come from your account.</Text>
        <SimpleGrid cols={{ base: 1, sm: 2, md: 3 }}>
          <NumberInput label="Units" required min={1} allowDecimal={false} allowNegative={false} value={v.units} onChange={(x) => setV({ ...v, units: x === '' ? '' : Number(x) })} error={fe('units')} />
          <NativeSelect label="Form" value={v.form} onChange={(e) => setV({ ...v, form: e.currentTarget.value as DispenseRequest['form'] })} data={[...forms]} error={fe('form')} />
          <NumberInput label="Strength (mg per unit)" required min={0} allowNegative={false} value={v.strengthMg} onChange={(x) => setV({ ...v, strengthMg: x === '' ? '' : Number(x) })} error={fe('strengthMg')} />
          <TextInput type="datetime-local" label="Dispensed at" required value={v.dispensedAt} onChange={(e) => setV({ ...v, dispensedAt: e.currentTarget.value })} error={fe('dispensedAt')} />
          <TextInput label="Dispenser (pharmacy or person)" required value={v.dispenser} onChange={(e) => setV({ ...v, dispenser: e.currentTarget.value })} error={fe('dispenser')} />
        </SimpleGrid>
        <Textarea label="Ship to (address)" required autosize minRows={2} value={v.shipTo} onChange={(e) => setV({ ...v, shipTo: e.currentTarget.value })} error={fe('shipTo')} />
        {dispense.error && <ProblemAlert error={dispense.error} fieldsShownInline={['units', 'form', 'strengthMg', 'dispensedAt', 'dispenser', 'shipTo']} />}
        {dispense.data && (
          <Text size="sm" role="status">
            Dispense recorded: {dispense.data.dispense.units} × {dispense.data.dispense.strengthMg} mg. On hand is now {dispense.data.onHand}.
          </Text>
        )}
        <ConfirmAction
          label="Record dispense"
          title="Record this dispense in the DEA record?"
          consequence={`${v.units === '' ? 'The' : v.units} unit${v.units === 1 ? '' : 's'}${v.strengthMg === '' ? '' : ` of ${v.strengthMg} mg`} are added to the patient’s on-hand count and a permanent dispensing record is written under your name and DEA registration. It cannot be edited; a mistake needs a signed correction.`}
          confirmLabel="Record dispense"
          danger={false}
          loading={dispense.isPending}
          buttonProps={{ w: 'fit-content' }}
          onConfirm={() => dispense.mutate()}
        />
      </Stack>
    </form>
  );
}

function DisposalForm({ patientId }: { patientId: string }) {
  const queryClient = useQueryClient();
  const [kind, setKind] = useState<'returned' | 'disposed'>('disposed');
  const [units, setUnits] = useState<number | ''>('');
  const [manner, setManner] = useState('');
  const [tried, setTried] = useState(false);
  const disposal = useMutation({
    mutationFn: (reason: string) => clinicianApi.recordDisposal(patientId, { kind, units: Number(units), manner: reason ? `${manner.trim()} (${reason})` : manner.trim() }),
    onSuccess: async () => {
      setUnits('');
      setManner('');
      setTried(false);
      await queryClient.invalidateQueries({ queryKey: clinicianKeys.patient(patientId) });
    },
  });
  const missing = { units: tried && units === '' ? 'How many units?' : undefined, manner: tried && manner.trim() === '' ? 'Say how the units were returned or destroyed.' : undefined };
  return (
    <Stack gap="sm">
      <Title order={4} size="h5">
        Record a return or disposal
      </Title>
      <Text size="sm">Units returned to the clinic or destroyed leave the patient’s on-hand count, with the manner (21 CFR 1304.22).</Text>
      <NativeSelect
        label="What happened"
        value={kind}
        onChange={(e) => setKind(e.currentTarget.value === 'returned' ? 'returned' : 'disposed')}
        data={[
          { value: 'disposed', label: 'Destroyed' },
          { value: 'returned', label: 'Returned to the clinic' },
        ]}
      />
      <NumberInput label="Units" min={1} allowDecimal={false} allowNegative={false} value={units} onChange={(x) => setUnits(x === '' ? '' : Number(x))} error={missing.units ?? fieldError(disposal.error, 'units')} />
      <TextInput label="Manner" placeholder="For example: witnessed destruction with a drug deactivation pouch" value={manner} onChange={(e) => setManner(e.currentTarget.value)} error={missing.manner ?? fieldError(disposal.error, 'manner')} />
      {disposal.error && <ProblemAlert error={disposal.error} fieldsShownInline={['units', 'manner']} />}
      <ConfirmAction
        label={kind === 'returned' ? 'Record return' : 'Record disposal'}
        title={kind === 'returned' ? 'Record units returned?' : 'Record units destroyed?'}
        consequence={`${units === '' ? 'These' : units} unit${units === 1 ? '' : 's'} leave the patient’s on-hand count permanently. The entry cannot be edited; a mistake needs a signed correction.`}
        confirmLabel={kind === 'returned' ? 'Record return' : 'Record disposal'}
        reasonLabel="Why (kept with the entry)"
        loading={disposal.isPending}
        buttonProps={{ w: 'fit-content' }}
        onConfirm={(reason) => {
          setTried(true);
          if (units === '' || manner.trim() === '') return;
          disposal.mutate(reason);
        }}
      />
    </Stack>
  );
}

function LedgerSummary({ ledger }: { ledger: Ledger }) {
  const s = ledger.summary;
  const ok = ledger.reconciliation.status === 'reconciled';
  return (
    <Stack gap="xs">
      <Group gap="lg" wrap="wrap">
        <Text size="xl" fw={700}>
          {ledger.onHand} on hand
        </Text>
        <Badge radius="sm" color={ok ? 'keel.8' : 'red.8'} variant={ok ? 'outline' : 'filled'}>
          {ok ? 'reconciled' : 'unreconciled'}
        </Badge>
      </Group>
      <Text size="sm">
        Dispensed {s.dispensed} · administered {s.administered} · lost {s.lost} · returned {s.returned} · disposed {s.disposed} · corrections {s.corrected}
      </Text>
      {s.lastCount && (
        <Text size="sm">
          Last count {formatDateTime(s.lastCount.countedAt)}: expected {s.lastCount.expected}, counted {s.lastCount.counted}, discrepancy {s.lastCount.discrepancy}.
        </Text>
      )}
      {ledger.recordedOnHand !== ledger.onHand && (
        <Text size="sm" c="red.8" fw={650}>
          The stored balance ({ledger.recordedOnHand}) differs from the entries ({ledger.onHand}).
        </Text>
      )}
      {ledger.reconciliation.problems.length > 0 && (
        <List size="sm">
          {ledger.reconciliation.problems.map((p) => (
            <List.Item key={`${p.code}:${p.entryId ?? ''}`}>{p.message}</List.Item>
          ))}
        </List>
      )}
    </Stack>
  );
}

/** The controlled-substance ledger: balance, reconciliation, entries, dispenses; count, loss and dispense forms. */
export function LedgerPanel({ patientId }: { patientId: string }) {
  const ledger = useQuery({ queryKey: [...clinicianKeys.patient(patientId), 'ledger'], queryFn: () => clinicianApi.ledger(patientId) });
  return (
    <Stack gap="md">
      <QueryView query={ledger} what="the ledger" loadingLabel="Loading the ledger…">
        {(l) => (
          <Stack gap="md">
            <Paper withBorder p="md" radius="md">
              <LedgerSummary ledger={l} />
            </Paper>
            <Table.ScrollContainer minWidth={700}>
              <Table striped withTableBorder fz="sm">
                <caption style={{ textAlign: 'left', fontWeight: 650, captionSide: 'top', paddingBottom: 4 }}>Ledger entries</caption>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col">When</Table.Th>
                    <Table.Th scope="col">Kind</Table.Th>
                    <Table.Th scope="col">Units</Table.Th>
                    <Table.Th scope="col">Details</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {l.entries.length === 0 && (
                    <Table.Tr>
                      <Table.Td colSpan={4}>No entries yet.</Table.Td>
                    </Table.Tr>
                  )}
                  {l.entries.map((e) => (
                    <Table.Tr key={e.id}>
                      <Table.Td>{formatDateTime(e.occurredAt)}</Table.Td>
                      <Table.Td>{humanize(e.kind)}</Table.Td>
                      <Table.Td>{e.kind === 'counted' ? '—' : e.units}</Table.Td>
                      <Table.Td>
                        {e.kind === 'counted' && `Counted ${e.countedUnits ?? '?'}, expected ${e.expectedUnits ?? '?'}`}
                        {e.lossKind && `${humanize(e.lossKind)}: ${e.circumstances ?? ''}`}
                        {e.manner && `Manner: ${e.manner}`}
                        {e.note && ` ${e.note}`}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
            {l.dispenses.length > 0 && (
              <Table.ScrollContainer minWidth={800}>
                <Table withTableBorder fz="sm">
                  <caption style={{ textAlign: 'left', fontWeight: 650, captionSide: 'top', paddingBottom: 4 }}>Dispensing records (DEA)</caption>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th scope="col">Dispensed</Table.Th>
                      <Table.Th scope="col">Substance and form</Table.Th>
                      <Table.Th scope="col">Units × strength</Table.Th>
                      <Table.Th scope="col">Prescriber (DEA)</Table.Th>
                      <Table.Th scope="col">Dispenser</Table.Th>
                      <Table.Th scope="col">Ship to</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {l.dispenses.map((d) => (
                      <Table.Tr key={d.id}>
                        <Table.Td>{formatDateTime(d.dispensedAt)}</Table.Td>
                        <Table.Td>
                          {d.substance}, {humanize(d.form)}
                        </Table.Td>
                        <Table.Td>
                          {d.units} × {d.strengthMg} mg
                        </Table.Td>
                        <Table.Td>
                          {d.prescriberName} ({d.prescriberDeaRegistration})
                        </Table.Td>
                        <Table.Td>{d.dispenser}</Table.Td>
                        <Table.Td>{d.shipTo}</Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            )}
          </Stack>
        )}
      </QueryView>
      <VisuallyHidden component="h3">Record medication events</VisuallyHidden>
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
        <Paper withBorder p="md" radius="md">
          <CountForm patientId={patientId} />
        </Paper>
        <Paper withBorder p="md" radius="md">
          <LossForm patientId={patientId} />
        </Paper>
        <Paper withBorder p="md" radius="md">
          <DisposalForm patientId={patientId} />
        </Paper>
      </SimpleGrid>
      <Paper withBorder p="md" radius="md">
        <DispenseForm patientId={patientId} />
      </Paper>
    </Stack>
  );
}
