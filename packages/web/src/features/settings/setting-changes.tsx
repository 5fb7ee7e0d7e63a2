import { Badge, Table, Text } from '@mantine/core';
import type { SettingChange } from '@keel/domain';
import { humanize, showValue } from '../clinician/format.ts';

// Colours with enough contrast for small text (WCAG AA): red.9 outlined marks what needs a prescriber.
const directionWords: Record<SettingChange['direction'], { label: string; color: string }> = {
  tightens: { label: 'Stricter', color: 'keel' },
  loosens: { label: 'Looser: needs a prescriber', color: 'red.9' },
  unclassified: { label: 'Needs a prescriber', color: 'red.9' },
};

/** A setting's dotted path in words: `dosing.maxDoseMgByRoute.sublingual` → "Dosing › Max dose mg by route › Sublingual". */
export function pathInWords(path: string): string {
  return path
    .split('.')
    .map((part) => humanize(part.replace(/([a-z])([A-Z])/g, '$1_$2')))
    .join(' › ');
}

/** Each changed setting with its value before and after and whether it makes the program stricter or looser. */
export function SettingChangesTable({ changes }: { changes: readonly SettingChange[] }) {
  if (changes.length === 0) return <Text size="sm">Nothing changed.</Text>;
  return (
    <Table fz="sm" withTableBorder striped>
      <Table.Thead>
        <Table.Tr>
          <Table.Th scope="col">Setting</Table.Th>
          <Table.Th scope="col">Now</Table.Th>
          <Table.Th scope="col">Proposed</Table.Th>
          <Table.Th scope="col">Effect</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {changes.map((c) => (
          <Table.Tr key={c.path}>
            <Table.Td>{pathInWords(c.path)}</Table.Td>
            <Table.Td>{showValue(c.before)}</Table.Td>
            <Table.Td>{showValue(c.after)}</Table.Td>
            <Table.Td>
              <Badge variant={c.direction === 'tightens' ? 'light' : 'outline'} color={directionWords[c.direction].color}>
                {directionWords[c.direction].label}
              </Badge>
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
