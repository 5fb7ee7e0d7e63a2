import { ActionIcon, Anchor, Badge, Button, Card, Checkbox, Group, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { isApiError } from '../../api/api-error.ts';
import { patientApi, patientKeys } from '../../api/patient-api.ts';
import { PageHeader } from '../../components/page-header.tsx';
import { ProblemAlert } from '../../components/problem-alert.tsx';
import { formatDate } from '../../features/patient/format.ts';
import { QueryView } from '../../features/patient/query-view.tsx';
import { usePatientId } from '../../features/patient/use-patient-id.ts';

function InviteSitter() {
  const patientId = usePatientId();
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [relationship, setRelationship] = useState('');
  const [adult, setAdult] = useState(false);
  const [tried, setTried] = useState(false);
  const invite = useMutation({
    mutationFn: () => patientApi.inviteSitter(patientId, { name: name.trim(), email: email.trim(), ...(relationship.trim() ? { relationship: relationship.trim() } : {}) }),
    onSuccess: async () => {
      setName('');
      setEmail('');
      setRelationship('');
      setAdult(false);
      setTried(false);
      await queryClient.invalidateQueries({ queryKey: patientKeys.support(patientId) });
      await queryClient.invalidateQueries({ queryKey: patientKeys.sitters(patientId) });
    },
  });
  const err = (f: string) => (isApiError(invite.error) ? invite.error.fieldError(f) : undefined);
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    setTried(true);
    if (!name.trim() || !email.trim() || !adult) return;
    invite.mutate();
  };
  return (
    <form onSubmit={submit} noValidate aria-labelledby="invite-heading">
      <Title order={3} size="h5" id="invite-heading" mt="md" mb="xs">
        Invite a sitter
      </Title>
      <Stack gap="sm" maw={420}>
        <TextInput label="Their name" value={name} onChange={(e) => setName(e.currentTarget.value)} error={err('name') ?? (tried && !name.trim() ? 'Enter their name.' : undefined)} />
        <TextInput label="Their email" type="email" value={email} onChange={(e) => setEmail(e.currentTarget.value)} error={err('email') ?? (tried && !email.trim() ? 'Enter their email.' : undefined)} />
        <TextInput label="How are they related to you? (optional)" value={relationship} onChange={(e) => setRelationship(e.currentTarget.value)} error={err('relationship')} />
        <Checkbox label="They are 18 or older" checked={adult} onChange={(e) => setAdult(e.currentTarget.checked)} error={err('confirmsAdult') ?? (tried && !adult ? 'A sitter must be an adult.' : undefined)} />
        {invite.error !== null && <ProblemAlert error={invite.error} fieldsShownInline={['name', 'email', 'relationship', 'confirmsAdult']} />}
        {invite.isSuccess && (
          <Text size="sm" role="status" c="teal.9" fw={600}>
            Invitation sent. They will get an email with a link to set up their sitter account; once they accept, your care team approves them.
          </Text>
        )}
        <Group>
          <Button type="submit" loading={invite.isPending}>
            Send invitation
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function AddContact() {
  const patientId = usePatientId();
  const queryClient = useQueryClient();
  const [values, setValues] = useState({ name: '', relationship: '', phone: '', email: '' });
  const [tried, setTried] = useState(false);
  const add = useMutation({
    mutationFn: () =>
      patientApi.addContact(patientId, {
        name: values.name.trim(),
        isEmergencyContact: true,
        ...(values.relationship.trim() ? { relationship: values.relationship.trim() } : {}),
        ...(values.phone.trim() ? { phone: values.phone.trim() } : {}),
        ...(values.email.trim() ? { email: values.email.trim() } : {}),
      }),
    onSuccess: async () => {
      setValues({ name: '', relationship: '', phone: '', email: '' });
      setTried(false);
      await queryClient.invalidateQueries({ queryKey: patientKeys.support(patientId) });
    },
  });
  const err = (f: string) => (isApiError(add.error) ? add.error.fieldError(f) : undefined);
  const set = (k: keyof typeof values) => (v: string) => setValues((x) => ({ ...x, [k]: v }));
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        setTried(true);
        if (values.name.trim()) add.mutate();
      }}
      noValidate
      aria-labelledby="add-contact-heading"
    >
      <Title order={3} size="h5" id="add-contact-heading" mt="md" mb="xs">
        Add an emergency contact
      </Title>
      <Stack gap="sm" maw={420}>
        <TextInput label="Name" value={values.name} onChange={(e) => set('name')(e.currentTarget.value)} error={err('name') ?? (tried && !values.name.trim() ? 'Enter a name.' : undefined)} />
        <TextInput label="Relationship (optional)" value={values.relationship} onChange={(e) => set('relationship')(e.currentTarget.value)} error={err('relationship')} />
        <TextInput label="Phone (optional)" type="tel" value={values.phone} onChange={(e) => set('phone')(e.currentTarget.value)} error={err('phone')} />
        <TextInput label="Email (optional)" type="email" value={values.email} onChange={(e) => set('email')(e.currentTarget.value)} error={err('email')} />
        {add.error !== null && <ProblemAlert error={add.error} fieldsShownInline={['name', 'relationship', 'phone', 'email']} />}
        <Group>
          <Button type="submit" variant="light" loading={add.isPending}>
            Add contact
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** The support network: sitters, emergency contacts, and the resources directory. */
export function SupportPage() {
  const patientId = usePatientId();
  const queryClient = useQueryClient();
  const support = useQuery({ queryKey: patientKeys.support(patientId), queryFn: () => patientApi.support(patientId) });
  const remove = useMutation({
    mutationFn: (contactId: string) => patientApi.removeContact(patientId, contactId),
    onSuccess: async () => queryClient.invalidateQueries({ queryKey: patientKeys.support(patientId) }),
  });
  return (
    <>
      <PageHeader title="Support" description="The people around you, and where to turn for help at any hour." />
      <QueryView query={support} label="Loading your support network…">
        {(data) => (
          <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="lg">
            <Card withBorder radius="md" padding="lg" component="section" aria-labelledby="sitters-heading">
              <Title order={2} size="h4" id="sitters-heading">
                Your sitters
              </Title>
              <Text size="sm" c="dimmed" mb="sm">
                A sitter stays with you, sober, for every session and confirms it in their own Keel account.
              </Text>
              {data.sitters.length === 0 ? (
                <Text size="sm">No sitter yet. Invite the adult who will sit with you.</Text>
              ) : (
                <Stack gap="xs">
                  {data.sitters.map((s) => (
                    <Group key={s.id} gap="xs" wrap="wrap">
                      <Text fw={600}>{s.name}</Text>
                      {s.relationship && <Text size="sm">({s.relationship})</Text>}
                      <Badge variant="light" color={s.status === 'active' ? 'keel' : 'gray'}>
                        {s.status === 'active' ? 'Active' : s.status === 'invited' ? 'Invitation sent' : s.status === 'pending_approval' ? 'Awaiting your care team’s approval' : s.status}
                      </Badge>
                    </Group>
                  ))}
                </Stack>
              )}
              <InviteSitter />
            </Card>
            <Card withBorder radius="md" padding="lg" component="section" aria-labelledby="contacts-heading">
              <Title order={2} size="h4" id="contacts-heading" mb="sm">
                Emergency contacts
              </Title>
              {data.contacts.length === 0 ? (
                <Text size="sm">No contacts yet.</Text>
              ) : (
                <Stack gap="xs">
                  {data.contacts.map((c) => (
                    <Group key={c.id} justify="space-between" wrap="nowrap" align="flex-start">
                      <div>
                        <Text fw={600}>
                          {c.name}
                          {c.relationship ? ` (${c.relationship})` : ''}
                        </Text>
                        <Text size="sm">
                          {c.phone && <Anchor href={`tel:${c.phone}`}>{c.phone}</Anchor>}
                          {c.phone && c.email ? ' · ' : ''}
                          {c.email}
                        </Text>
                        <Text size="xs" c="dimmed">
                          Added {formatDate(c.createdAt)}
                        </Text>
                      </div>
                      <ActionIcon variant="subtle" color="gray" aria-label={`Remove ${c.name}`} onClick={() => remove.mutate(c.id)} loading={remove.isPending && remove.variables === c.id}>
                        ✕
                      </ActionIcon>
                    </Group>
                  ))}
                </Stack>
              )}
              {remove.error !== null && <ProblemAlert error={remove.error} />}
              <AddContact />
            </Card>
            <Card withBorder radius="md" padding="lg" component="section" aria-labelledby="resources-heading" style={{ gridColumn: '1 / -1' }}>
              <Title order={2} size="h4" id="resources-heading" mb="sm">
                Help at any hour
              </Title>
              <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="md">
                {data.resources.map((r) => (
                  <Card key={r.id} withBorder radius="md" padding="md" component="article" aria-labelledby={`res-${r.id}`}>
                    <Title order={3} size="h5" id={`res-${r.id}`}>
                      {r.name}
                    </Title>
                    <Text size="sm" mb="xs">
                      {r.description}
                    </Text>
                    <Stack gap={4}>
                      {r.contacts.map((c) => (
                        <Anchor key={c.href} href={c.href} fw={600} {...(c.href.startsWith('https') ? { target: '_blank', rel: 'noopener noreferrer' } : {})}>
                          {c.instruction}
                          {c.href.startsWith('https') ? ' (opens a new tab)' : ''}
                        </Anchor>
                      ))}
                    </Stack>
                  </Card>
                ))}
              </SimpleGrid>
              <Text size="sm" mt="md">
                {data.replyExpectation.text}
              </Text>
            </Card>
          </SimpleGrid>
        )}
      </QueryView>
    </>
  );
}
