import { Badge, Button, Group, NativeSelect, Paper, SimpleGrid, Table, Text, TextInput, VisuallyHidden } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { adminApi, adminKeys, type AuditQuery } from '../../api/admin-api.ts';
import { auditActionWords, outcomeWords, roleWord } from '../../components/audit-words.ts';
import { NothingHereYet } from '../../components/nothing-here-yet.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { formatDateTime } from '../../features/clinician/format.ts';
import { QueryView } from '../../features/clinician/query-view.tsx';

const pageSize = 50;

interface Filters {
  patient: string;
  actor: string;
  outcome: '' | 'success' | 'denied' | 'failure';
  from: string;
  to: string;
}
const emptyFilters: Filters = { patient: '', actor: '', outcome: '', from: '', to: '' };

/** Who did what, and when: search by patient, actor, action, outcome and time; newest first, a page at a time. */
export function AuditLogPage() {
  const [form, setForm] = useState<Filters>(emptyFilters);
  const [errors, setErrors] = useState<Partial<Record<keyof Filters, string>>>({});
  const [applied, setApplied] = useState<Filters>(emptyFilters);
  const [befores, setBefores] = useState<(number | undefined)[]>([undefined]);
  const before = befores[befores.length - 1];
  const q: AuditQuery = {
    limit: pageSize,
    ...(applied.patient ? { patient: applied.patient } : {}),
    ...(applied.actor ? { actor: applied.actor } : {}),
    ...(applied.outcome ? { outcome: applied.outcome } : {}),
    ...(applied.from ? { from: new Date(applied.from).toISOString() } : {}),
    ...(applied.to ? { to: new Date(applied.to).toISOString() } : {}),
    ...(before ? { before } : {}),
  };
  const audit = useQuery({ queryKey: adminKeys.audit(q), queryFn: () => adminApi.audit(q), placeholderData: (prev) => prev });
  const set = (k: keyof Filters) => (value: string) => setForm((f) => ({ ...f, [k]: value }));

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const errs: typeof errors = {};
    if (form.from && form.to && form.from >= form.to) errs.to = 'The end must be after the start.';
    setErrors(errs);
    if (Object.keys(errs).length > 0) return;
    setApplied({ ...form, patient: form.patient.trim(), actor: form.actor.trim() });
    setBefores([undefined]);
  };

  return (
    <>
      <PageHeader title="Audit log" description="Who did what, and when, across the program. Newest first. Search by a person’s or a patient’s name." />
      <Paper withBorder p="md" radius="md" mb="md">
        <form onSubmit={submit} noValidate aria-label="Search the audit log">
          <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
            <TextInput label="Who (name or email)" value={form.actor} onChange={(e) => set('actor')(e.currentTarget.value)} />
            <TextInput label="Patient name" value={form.patient} onChange={(e) => set('patient')(e.currentTarget.value)} />
            <NativeSelect
              label="Outcome"
              value={form.outcome}
              onChange={(e) => set('outcome')(e.currentTarget.value)}
              data={[
                { value: '', label: 'Any' },
                { value: 'success', label: 'Done' },
                { value: 'denied', label: 'Refused' },
                { value: 'failure', label: 'Failed' },
              ]}
            />
            <TextInput type="datetime-local" label="From" value={form.from} onChange={(e) => set('from')(e.currentTarget.value)} error={errors.from} />
            <TextInput type="datetime-local" label="To" value={form.to} onChange={(e) => set('to')(e.currentTarget.value)} error={errors.to} />
          </SimpleGrid>
          <Group mt="md" gap="sm">
            <Button type="submit">Search</Button>
            <Button
              variant="default"
              onClick={() => {
                setForm(emptyFilters);
                setErrors({});
                setApplied(emptyFilters);
                setBefores([undefined]);
              }}
            >
              Clear
            </Button>
          </Group>
        </form>
      </Paper>
      <QueryView query={audit} what="the audit log" loadingLabel="Searching the audit log…">
        {(data) =>
          data.items.length === 0 ? (
            <NothingHereYet description="No entries match this search." />
          ) : (
            <>
              <Table.ScrollContainer minWidth={760}>
                <Table striped withTableBorder fz="sm" verticalSpacing={6}>
                  <VisuallyHidden component="caption">Audit log entries, newest first</VisuallyHidden>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th scope="col">When</Table.Th>
                      <Table.Th scope="col">Who</Table.Th>
                      <Table.Th scope="col">What</Table.Th>
                      <Table.Th scope="col">Patient</Table.Th>
                      <Table.Th scope="col">Outcome</Table.Th>
                      <Table.Th scope="col">From</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {data.items.map((e) => (
                      <Table.Tr key={e.id}>
                        <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDateTime(e.at)}</Table.Td>
                        <Table.Td>
                          {e.actorName ? (
                            <Button variant="subtle" size="compact-sm" px={0} onClick={() => setForm((f) => ({ ...f, actor: e.actorName ?? '' }))}>
                              {e.actorName}
                              <VisuallyHidden>: search for this person</VisuallyHidden>
                            </Button>
                          ) : (
                            'Keel (automatic)'
                          )}
                          {e.actorRole && <Text size="xs">{roleWord(e.actorRole)}</Text>}
                        </Table.Td>
                        <Table.Td>{auditActionWords(e.action, e.resourceType)}</Table.Td>
                        <Table.Td>
                          {e.patientName ? (
                            <Button variant="subtle" size="compact-sm" px={0} onClick={() => setForm((f) => ({ ...f, patient: e.patientName ?? '' }))}>
                              {e.patientName}
                              <VisuallyHidden>: search for this patient</VisuallyHidden>
                            </Button>
                          ) : e.patientsShown !== null ? (
                            e.patientsShown === 1 ? '1 patient' : `${e.patientsShown} patients`
                          ) : (
                            '—'
                          )}
                        </Table.Td>
                        <Table.Td>
                          <Badge radius="sm" variant="outline" color={e.outcome === 'success' ? 'keel.8' : e.outcome === 'denied' ? '#8a4b00' : 'red.9'}>
                            {outcomeWords[e.outcome]}
                          </Badge>
                        </Table.Td>
                        <Table.Td>{e.clientAddress ?? '—'}</Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
              <Group justify="space-between" mt="sm">
                <Text size="sm">Page {befores.length}</Text>
                <Group gap="xs">
                  <Button variant="default" size="sm" disabled={befores.length === 1} onClick={() => setBefores((b) => b.slice(0, -1))}>
                    Newer
                  </Button>
                  <Button variant="default" size="sm" disabled={data.nextBefore === null} onClick={() => data.nextBefore !== null && setBefores((b) => [...b, data.nextBefore ?? undefined])}>
                    Older
                  </Button>
                </Group>
              </Group>
            </>
          )
        }
      </QueryView>
    </>
  );
}
