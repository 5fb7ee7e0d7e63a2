import { Alert, Button, Group, Paper, Stack, Text, Textarea, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { isApiError } from '../../api/api-error.ts';
import { adminApi, adminKeys, type SettingsProposal } from '../../api/admin-api.ts';
import { api } from '../../api/client.ts';
import { NothingHereYet } from '../../components/nothing-here-yet.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { ProblemAlert } from '../../components/problem-alert.tsx';
import { formatDateTime } from '../../features/clinician/format.ts';
import { QueryView } from '../../features/clinician/query-view.tsx';
import { SignatureInput } from '../../features/clinician/signature-input.tsx';
import { SettingChangesTable } from '../../features/settings/setting-changes.tsx';

const sign = (id: string, password: string) => api.post<{ proposal: SettingsProposal }>(`/settings/proposals/${encodeURIComponent(id)}/sign`, { signature: { password } });
const decline = (id: string, note: string) => api.post<{ proposal: SettingsProposal }>(`/settings/proposals/${encodeURIComponent(id)}/reject`, { note });

function ProposalCard({ proposal }: { proposal: SettingsProposal }) {
  const queryClient = useQueryClient();
  const [password, setPassword] = useState('');
  const [declining, setDeclining] = useState(false);
  const [note, setNote] = useState('');
  const done = async () => {
    await queryClient.invalidateQueries({ queryKey: adminKeys.proposals });
    await queryClient.invalidateQueries({ queryKey: adminKeys.settings });
  };
  const signIt = useMutation({ mutationFn: () => sign(proposal.id, password), onSuccess: done });
  const declineIt = useMutation({ mutationFn: () => decline(proposal.id, note.trim()), onSuccess: done });
  const passwordError = isApiError(signIt.error) ? signIt.error.fieldError('signature.password') : undefined;
  return (
    <Paper withBorder p="md" radius="md" component="article" aria-labelledby={`proposal-${proposal.id}`} data-testid="proposal-to-sign">
      <Title order={2} size="h4" id={`proposal-${proposal.id}`}>
        Proposed by {proposal.proposedBy.name}, {formatDateTime(proposal.proposedAt)}
      </Title>
      <Text size="sm" mt={4} mb="sm">
        Reason given: “{proposal.reason}”
      </Text>
      <SettingChangesTable changes={proposal.changes} />
      <Stack gap="sm" mt="md">
        <SignatureInput value={password} onChange={setPassword} error={passwordError} meaning="I approve these changes to the program’s clinical limits for every patient." />
        {signIt.error && !passwordError && <ProblemAlert error={signIt.error} />}
        <Group>
          <Button onClick={() => signIt.mutate()} loading={signIt.isPending} disabled={password === ''}>
            Sign and apply
          </Button>
          <Button variant="default" color="red" onClick={() => setDeclining((d) => !d)}>
            Decline…
          </Button>
        </Group>
        {declining && (
          <Stack gap="xs">
            <Textarea label="Why are you declining? (the administrator sees this)" value={note} onChange={(e) => setNote(e.currentTarget.value)} autosize minRows={2} />
            {declineIt.error && <ProblemAlert error={declineIt.error} />}
            <Group>
              <Button color="red" onClick={() => declineIt.mutate()} loading={declineIt.isPending} disabled={note.trim() === ''}>
                Decline the change
              </Button>
            </Group>
          </Stack>
        )}
      </Stack>
    </Paper>
  );
}

/** Changes to the program's clinical limits that loosen one: each waits for a prescriber's signature. */
export function SettingsChangesPage() {
  const proposals = useQuery({ queryKey: adminKeys.proposals, queryFn: () => adminApi.settingsProposals('pending') });
  return (
    <>
      <PageHeader title="Settings to sign" description="Changes an administrator proposed that loosen a clinical limit. They apply only with a prescriber’s signature." />
      <Alert color="gray" variant="light" mb="md">
        Read each change and its reason. Signing applies it to every patient at once and is recorded with your name.
      </Alert>
      <QueryView query={proposals} what="the proposed changes" loadingLabel="Loading…">
        {(data) =>
          data.items.length === 0 ? (
            <NothingHereYet description="No settings changes are waiting for a signature." />
          ) : (
            <Stack gap="md">
              {data.items.map((p) => (
                <ProposalCard key={p.id} proposal={p} />
              ))}
            </Stack>
          )
        }
      </QueryView>
    </>
  );
}
