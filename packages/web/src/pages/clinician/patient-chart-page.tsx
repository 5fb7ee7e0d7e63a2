import { Anchor, Group, Stack, Tabs, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link, useParams, useSearchParams } from 'react-router-dom';
import { clinicianApi, clinicianKeys } from '../../api/clinician-api.ts';
import { complianceApi, complianceKeys } from '../../api/compliance-api.ts';
import { PageHeader } from '../../components/page-header.tsx';
import { RiskTierBadge, SeverityBadge, StatusBadge } from '../../features/clinician/badges.tsx';
import { ComplianceBadge } from '../../features/clinician/compliance-badge.tsx';
import { LedgerPanel } from '../../features/clinician/ledger-panel.tsx';
import { OutcomesPanel } from '../../features/clinician/outcomes-panel.tsx';
import { PlanPanel } from '../../features/clinician/plan-panel.tsx';
import { PrescribingPanel } from '../../features/clinician/prescribing-panel.tsx';
import { RecordsPanel } from '../../features/clinician/records-panel.tsx';
import { RequestsPanel } from '../../features/clinician/requests-panel.tsx';
import { RiskPanel } from '../../features/clinician/risk-panel.tsx';
import { SessionsPanel } from '../../features/clinician/sessions-panel.tsx';
import { SittersPanel } from '../../features/clinician/sitters-panel.tsx';
import { TimelinePanel } from '../../features/clinician/timeline-panel.tsx';
import { VisitsPanel } from '../../features/clinician/visits-panel.tsx';
import { clinicianBasePath } from './clinician-paths.ts';
import { usePanelRow } from './use-panel-row.ts';

const tabs = [
  { value: 'overview', label: 'Overview' },
  { value: 'timeline', label: 'Timeline' },
  { value: 'plan', label: 'Plan' },
  { value: 'medication', label: 'Medication' },
  { value: 'prescribing', label: 'Prescribing' },
  { value: 'sessions', label: 'Sessions' },
  { value: 'visits', label: 'Visits and follow-ups' },
  { value: 'requests', label: 'Requests' },
  { value: 'records', label: 'Records' },
] as const;

function CareTeamLine({ patientId }: { patientId: string }) {
  const team = useQuery({ queryKey: clinicianKeys.patientPart(patientId, 'care-team'), queryFn: () => clinicianApi.careTeam(patientId) });
  if (!team.data) return null;
  return <Text size="sm">Care team: {team.data.members.map((m) => `${m.name} (${m.role === 'coach' ? 'coach' : 'clinician'}${m.primary ? ', primary' : ''})`).join(', ') || 'none'}</Text>;
}

/** The prescribing-compliance badge beside the chart's name, its reasons in words; a link to the Prescribing tab. */
function ComplianceLine({ patientId, onOpen }: { patientId: string; onOpen: () => void }) {
  const compliance = useQuery({ queryKey: complianceKeys.patient(patientId), queryFn: () => complianceApi.compliance(patientId) });
  if (!compliance.data) return null;
  const c = compliance.data;
  return (
    <Group gap="xs" data-testid="chart-compliance">
      <Text size="sm">Prescribing:</Text>
      <ComplianceBadge status={c.status} reasonCodes={c.reasons.map((r) => r.code)} />
      {c.status !== 'compliant' && (
        <Anchor component="button" type="button" size="sm" onClick={onOpen}>
          See what is needed
        </Anchor>
      )}
    </Group>
  );
}

/** One patient's chart: overview (risk, outcomes), timeline, plan, medication ledger, prescribing compliance, sessions, visits. */
export function PatientChartPage() {
  const { patientId = '' } = useParams();
  const [search, setSearch] = useSearchParams();
  const current = tabs.find((t) => t.value === search.get('tab'))?.value ?? 'overview';
  const { row, isPending } = usePanelRow(patientId);
  const name = row?.name ?? (isPending ? 'Patient chart' : 'Patient');

  return (
    <>
      <PageHeader title={name} />
      <Stack gap={4} mb="md" mt={-8}>
        <Anchor component={Link} to={`${clinicianBasePath}/patients`} size="sm">
          ← All patients
        </Anchor>
        {row && (
          <Group gap="xs">
            <StatusBadge status={row.status} />
            <RiskTierBadge tier={row.riskTier} />
            {(['critical', 'high', 'moderate', 'low'] as const)
              .filter((s) => row.openAlerts[s] > 0)
              .map((s) => (
                <Group key={s} gap={2}>
                  <SeverityBadge severity={s} />
                  <Text size="sm">×{row.openAlerts[s]} open</Text>
                </Group>
              ))}
            {row.openAlerts.total > 0 && (
              <Anchor component={Link} to={`${clinicianBasePath}/alerts`} size="sm">
                Go to alerts
              </Anchor>
            )}
          </Group>
        )}
        <ComplianceLine patientId={patientId} onOpen={() => setSearch({ tab: 'prescribing' }, { replace: true })} />
        <CareTeamLine patientId={patientId} />
      </Stack>
      <Tabs value={current} onChange={(v) => setSearch(v && v !== 'overview' ? { tab: v } : {}, { replace: true })} keepMounted={false}>
        <Tabs.List mb="md" style={{ flexWrap: 'wrap' }}>
          {tabs.map((t) => (
            <Tabs.Tab key={t.value} value={t.value}>
              {t.label}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        {tabs.map((t) => (
          <Tabs.Panel key={t.value} value={t.value}>
            <Title order={2} size="h3" mb="sm">
              {t.label}
            </Title>
            {t.value === 'overview' && (
              <Stack gap="md">
                <OutcomesPanel patientId={patientId} load={clinicianApi.outcomes} />
                <RiskPanel patientId={patientId} />
                <SittersPanel patientId={patientId} patientName={row?.name ?? 'This patient'} />
              </Stack>
            )}
            {t.value === 'timeline' && <TimelinePanel patientId={patientId} />}
            {t.value === 'plan' && <PlanPanel patientId={patientId} />}
            {t.value === 'medication' && <LedgerPanel patientId={patientId} />}
            {t.value === 'prescribing' && <PrescribingPanel patientId={patientId} />}
            {t.value === 'sessions' && <SessionsPanel patientId={patientId} />}
            {t.value === 'visits' && <VisitsPanel patientId={patientId} />}
            {t.value === 'requests' && <RequestsPanel patientId={patientId} />}
            {t.value === 'records' && <RecordsPanel patientId={patientId} patientName={row?.name ?? 'this patient'} />}
          </Tabs.Panel>
        ))}
      </Tabs>
    </>
  );
}
