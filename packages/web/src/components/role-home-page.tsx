import { Anchor, Card, SimpleGrid, Text, Title } from '@mantine/core';
import { Link } from 'react-router-dom';
import { useCurrentUser } from '../auth/auth-context.ts';
import { NothingHereYet } from './nothing-here-yet.tsx';
import { PageHeader } from './page-header.tsx';
import type { RoleSection } from './role-section.ts';

interface RoleHomePageProps {
  basePath: string;
  sections: readonly RoleSection[];
}

/**
 * A role's home (its first section) until later work gives it content: who is signed in, an honest empty state,
 * and what each of the role's other sections is for.
 */
export function RoleHomePage({ basePath, sections }: RoleHomePageProps) {
  const user = useCurrentUser();
  const home = sections.find((s) => s.path === '');
  const others = sections.filter((s) => s.path !== '');
  return (
    <>
      <PageHeader title={home?.label ?? 'Home'} description={`Welcome, ${user.name}. ${home?.summary ?? ''}`} />
      <NothingHereYet />
      {others.length > 0 && (
        <section aria-labelledby="role-sections-heading">
          <Title order={2} size="h4" mt="xl" mb="sm" id="role-sections-heading">
            Your sections
          </Title>
          <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="md">
            {others.map((section) => (
              <Card key={section.path} withBorder padding="md" component="article">
                <Anchor component={Link} to={`${basePath}/${section.path}`} fw={650} size="lg">
                  {section.label}
                </Anchor>
                <Text size="sm" mt={4}>
                  {section.summary}
                </Text>
              </Card>
            ))}
          </SimpleGrid>
        </section>
      )}
    </>
  );
}
