import { Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { usePageTitle } from './use-page-title.ts';

interface PageHeaderProps {
  title: string;
  description?: ReactNode;
}

/** The page's one h1, and the document title to match. */
export function PageHeader({ title, description }: PageHeaderProps) {
  usePageTitle(title);
  return (
    <Stack gap={4} mb="lg">
      <Title order={1} size="h2">
        {title}
      </Title>
      {description && (
        <Text c="dimmed" maw="70ch">
          {description}
        </Text>
      )}
    </Stack>
  );
}
