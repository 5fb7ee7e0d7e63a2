import { Badge, Button, Group, List, Paper, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { clinicianApi, clinicianKeys, type Session } from '../../api/clinician-api.ts';
import { NothingHereYet } from '../../components/nothing-here-yet.tsx';
import { AdverseEventForm } from '../shared/adverse-event-form.tsx';
import { formatDateTime, humanize } from './format.ts';
import { QueryView } from './query-view.tsx';

function SessionDetail({ sessionId }: { sessionId: string }) {
  const detail = useQuery({ queryKey: ['clinician', 'session', sessionId], queryFn: () => clinicianApi.session(sessionId) });
  return (
    <QueryView query={detail} what="the session">
      {({ session: s }) => (
        <Stack gap={6} mt="xs">
          <Text size="sm">
            <strong>Sitter:</strong>{' '}
            {s.sitterAttestations.length === 0 ? 'no attestation' : s.sitterAttestations.map((a) => `${formatDateTime(a.attestedAt)}: ${a.present ? 'present' : 'not present'}, ${a.sober ? 'sober' : 'not sober'}`).join('; ')}
          </Text>
          <Text size="sm">
            <strong>Vitals:</strong>{' '}
            {s.vitals.length === 0 ? 'none' : s.vitals.map((v) => `${v.phase === 'pre' ? 'before the dose' : v.phase === 'during' ? 'during' : 'after'}: ${v.systolicMmHg}/${v.diastolicMmHg} mmHg, ${v.heartRateBpm} bpm${v.spo2Pct !== null ? `, SpO₂ ${v.spo2Pct}%` : ''} (${formatDateTime(v.takenAt)})`).join('; ')}
          </Text>
          <Text size="sm">
            <strong>Checklist:</strong>{' '}
            {s.checklists.length === 0
              ? 'none'
              : s.checklists
                  .map((c) => `fasted ${c.fastedHours} h, alcohol ${c.alcohol24h ? 'yes' : 'no'}, sedatives ${c.sedatives24h ? 'yes' : 'no'}, cannabis ${c.cannabis24h ? 'yes' : 'no'}, new medication ${c.newMedication ? 'yes' : 'no'}, safe setting ${c.safeSetting ? 'yes' : 'no'}`)
                  .join('; ')}
          </Text>
          <Text size="sm">
            <strong>Sitter checks:</strong> {s.sitterChecks.recorded.length} recorded, {s.sitterChecks.missedCount} missed (every {s.sitterChecks.intervalMinutes} min)
          </Text>
          {s.adverseEvents.length > 0 && (
            <Text size="sm" c="red.8">
              <strong>Adverse events:</strong> {s.adverseEvents.map((a) => `${a.kind} (${a.severity}${a.serious ? ', serious' : ''})`).join('; ')}
            </Text>
          )}
          {s.assessment && (
            <Text size="sm">
              <strong>After the session:</strong> dissociation {s.assessment.dissociation0to10}/10, nausea {s.assessment.nausea0to10}/10, mood {s.assessment.mood0to10}/10
              {s.assessment.sideEffects.length > 0 ? `, side effects: ${s.assessment.sideEffects.join(', ')}` : ''}
            </Text>
          )}
        </Stack>
      )}
    </QueryView>
  );
}

function SessionCard({ session }: { session: Session }) {
  const [open, setOpen] = useState(false);
  const [reporting, setReporting] = useState(false);
  return (
    <Paper withBorder p="md" radius="md" component="article" aria-labelledby={`s-${session.id}`}>
      <Group justify="space-between" wrap="wrap">
        <Group gap="sm">
          <Title order={3} size="h5" id={`s-${session.id}`}>
            {formatDateTime(session.scheduledFor)}
          </Title>
          <Badge radius="sm" variant="outline" color={session.status === 'completed' ? 'keel.8' : session.status === 'aborted' || session.status === 'missed' ? 'red.9' : 'gray.8'}>
            {humanize(session.status)}
          </Badge>
          {session.doseMg !== null && <Text size="sm">{session.doseMg} mg</Text>}
        </Group>
        <Button variant="subtle" size="xs" onClick={() => setOpen((o) => !o)} aria-expanded={open}>
          {open ? 'Hide details' : 'Show details'}
        </Button>
      </Group>
      {session.abortReason && <Text size="sm">Aborted: {session.abortReason}</Text>}
      <Text size="sm" fw={650} mt="xs">
        Gate decisions ({session.gateEvaluations.length})
      </Text>
      {session.gateEvaluations.length === 0 ? (
        <Text size="sm">The gate has not been asked yet.</Text>
      ) : (
        <List size="sm" spacing={4}>
          {session.gateEvaluations.map((g) => (
            <List.Item key={g.id}>
              <strong>{g.outcome === 'authorized' ? `Authorized${g.doseMg !== null ? ` at ${g.doseMg} mg` : ''}` : 'Blocked'}</strong> — {formatDateTime(g.evaluatedAt)}
              {g.reasons.length > 0 && (
                <List size="sm" withPadding>
                  {g.reasons.map((r) => (
                    <List.Item key={r.code}>
                      {r.message}
                    </List.Item>
                  ))}
                </List>
              )}
            </List.Item>
          ))}
        </List>
      )}
      {open && <SessionDetail sessionId={session.id} />}
      <Button variant="subtle" color="red" c="red.9" size="xs" mt="xs" onClick={() => setReporting((r) => !r)} aria-expanded={reporting}>
        {reporting ? 'Close the adverse event report' : 'Report an adverse event'}
      </Button>
      {reporting && <AdverseEventForm sessionId={session.id} reporter="clinician" />}
    </Paper>
  );
}

/** Sessions, newest first, each with every gate decision and its reasons. */
export function SessionsPanel({ patientId }: { patientId: string }) {
  const sessions = useQuery({ queryKey: [...clinicianKeys.patient(patientId), 'sessions'], queryFn: () => clinicianApi.sessions(patientId) });
  return (
    <QueryView query={sessions} what="sessions" loadingLabel="Loading sessions…">
      {(data) =>
        data.items.length === 0 ? (
          <NothingHereYet description="No sessions have been scheduled." />
        ) : (
          <Stack gap="sm">
            {data.items.map((s) => (
              <SessionCard key={s.id} session={s} />
            ))}
          </Stack>
        )
      }
    </QueryView>
  );
}
