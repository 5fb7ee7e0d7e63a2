import { Group, List, Paper, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { clinicianApi, clinicianKeys } from '../../api/clinician-api.ts';
import { RiskTierBadge } from './badges.tsx';
import { formatDateTime, humanize } from './format.ts';
import { QueryView } from './query-view.tsx';
import { plainText } from '../../components/labels.ts';

/** The dependence risk tier explained: intake factors, every warning sign with its evidence, and the roll-up. */
export function RiskPanel({ patientId }: { patientId: string }) {
  const risk = useQuery({ queryKey: clinicianKeys.patientPart(patientId, 'risk'), queryFn: () => clinicianApi.risk(patientId) });
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="risk-heading">
      <Title order={3} size="h4" id="risk-heading" mb="xs">
        Dependence risk
      </Title>
      <QueryView query={risk} what="the risk tier">
        {(r) => (
          <Stack gap="sm">
            <Group gap="sm">
              <RiskTierBadge tier={r.tier} />
              <Text size="sm">
                Computed {formatDateTime(r.computedAt)}
                {r.lastEvaluation ? ` · last stored change ${formatDateTime(r.lastEvaluation.evaluatedAt)} (${r.lastEvaluation.tier})` : ''}
              </Text>
            </Group>
            <div>
              <Text size="sm" fw={650}>
                Intake factors (intake tier: {r.intake.tier})
              </Text>
              {r.intake.factors.length === 0 ? (
                <Text size="sm">None.</Text>
              ) : (
                <List size="sm">
                  {r.intake.factors.map((f) => (
                    <List.Item key={f.code}>
                      <strong>{humanize(f.code)}</strong>: {plainText(f.detail)}
                    </List.Item>
                  ))}
                </List>
              )}
            </div>
            <div>
              <Text size="sm" fw={650}>
                Warning signs ({r.signals.length})
              </Text>
              {r.signals.length === 0 ? (
                <Text size="sm">No warning signs present.</Text>
              ) : (
                <Stack gap="xs">
                  {r.signals.map((s) => (
                    <div key={s.code}>
                      <Text size="sm">
                        <strong>{humanize(s.code)}</strong> ({s.severity}): {plainText(s.summary)}
                      </Text>
                      <List size="sm" withPadding>
                        {s.evidence.map((e) => (
                          <List.Item key={`${e.type}:${e.id}`}>
                            {formatDateTime(e.at)} — {plainText(e.summary)}
                          </List.Item>
                        ))}
                      </List>
                    </div>
                  ))}
                </Stack>
              )}
            </div>
            {r.explanation.length > 0 && (
              <div>
                <Text size="sm" fw={650}>
                  How the tier was reached
                </Text>
                <List size="sm">
                  {r.explanation.map((e) => (
                    <List.Item key={e.rule}>
                      {humanize(e.rule)} → {e.tier}: {plainText(e.detail)}
                    </List.Item>
                  ))}
                </List>
              </div>
            )}
          </Stack>
        )}
      </QueryView>
    </Paper>
  );
}
