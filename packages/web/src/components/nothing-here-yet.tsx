import { EmptyState, Paper } from '@mantine/core';
import type { ReactNode } from 'react';

interface NothingHereYetProps {
  description?: ReactNode;
}

/** The honest empty state for a section with no data (or no API) yet: never made-up content. */
export function NothingHereYet({ description = 'When there is something to show, it will appear here.' }: NothingHereYetProps) {
  return (
    <Paper withBorder p="lg" radius="md" style={{ borderStyle: 'dashed' }}>
      <EmptyState title="Nothing here yet" description={description} align="left" variant="light" size="sm" />
    </Paper>
  );
}
