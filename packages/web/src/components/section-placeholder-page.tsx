import { NothingHereYet } from './nothing-here-yet.tsx';
import { PageHeader } from './page-header.tsx';
import type { RoleSection } from './role-section.ts';

/** A section that later work fills in: its name, what it is for, and an honest empty state. */
export function SectionPlaceholderPage({ section }: { section: RoleSection }) {
  return (
    <>
      <PageHeader title={section.label} description={section.summary} />
      <NothingHereYet />
    </>
  );
}
