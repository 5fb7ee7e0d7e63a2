import { Badge, Card, Group, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { clinicianApi, clinicianKeys, type SitterList } from '../../api/clinician-api.ts';
import { ConfirmAction } from '../../components/confirm-action.tsx';
import { ProblemAlert } from '../../components/problem-alert.tsx';
import { atTime } from '../../components/when.ts';
import { QueryView } from './query-view.tsx';

type Sitter = SitterList['items'][number];

const statusWords: Record<Sitter['status'], { text: string; color: string }> = {
  active: { text: 'Active', color: 'keel' },
  invited: { text: 'Invitation not yet accepted', color: 'gray' },
  pending_approval: { text: 'Waiting for a clinician’s approval', color: 'red.9' },
  removed: { text: 'Removed', color: 'gray' },
};

/**
 * The patient's sitters. A sitter the patient invited has no access until a clinician on the care team approves
 * them (docs/security.md): this is where that approval is given.
 */
export function SittersPanel({ patientId, patientName }: { patientId: string; patientName: string }) {
  const queryClient = useQueryClient();
  const key = clinicianKeys.patientPart(patientId, 'sitters');
  const sitters = useQuery({ queryKey: key, queryFn: () => clinicianApi.sitters(patientId) });
  const approve = useMutation({
    mutationFn: (assignmentId: string) => clinicianApi.approveSitter(patientId, assignmentId),
    onSuccess: (data) => queryClient.setQueryData(key, data),
  });

  return (
    <Card withBorder radius="md" padding="lg" component="section" aria-labelledby="sitters-heading">
      <Title order={3} size="h4" id="sitters-heading" mb="sm">
        Sitters
      </Title>
      <QueryView query={sitters} what="the sitters">
        {(data) => {
          const shown = data.items.filter((s) => s.status !== 'removed');
          if (shown.length === 0) return <Text>{patientName} has not named a sitter yet. No session can be authorized without one.</Text>;
          return (
            <Stack gap="sm">
              {shown.map((s) => (
                <Group key={s.id} justify="space-between" wrap="wrap" gap="xs">
                  <Stack gap={0}>
                    <Group gap="xs">
                      <Text fw={600}>{s.name}</Text>
                      {s.relationship && <Text size="sm">({s.relationship})</Text>}
                      <Badge variant={s.status === 'pending_approval' ? 'outline' : 'light'} color={statusWords[s.status].color}>
                        {statusWords[s.status].text}
                      </Badge>
                    </Group>
                    <Text size="sm" c="dimmed">
                      Invited {atTime(s.invitedAt)}
                      {s.acceptedAt ? `, accepted ${atTime(s.acceptedAt)}` : ''}
                    </Text>
                  </Stack>
                  {s.status === 'pending_approval' && (
                    <ConfirmAction
                      label="Approve sitter"
                      ariaLabel={`Approve ${s.name} as a sitter`}
                      title={`Approve ${s.name} as ${patientName}’s sitter?`}
                      consequence={`${s.name} will be able to attest that they are present and sober, record checks and raise concerns at ${patientName}’s sessions, and will see the session details they need for that. Approve only after you have spoken with them or are satisfied they are a suitable adult.`}
                      confirmLabel="Approve sitter"
                      danger={false}
                      loading={approve.isPending && approve.variables === s.id}
                      onConfirm={() => approve.mutate(s.id)}
                    />
                  )}
                </Group>
              ))}
              {approve.isError && <ProblemAlert error={approve.error} title="Could not approve the sitter" />}
            </Stack>
          );
        }}
      </QueryView>
    </Card>
  );
}
