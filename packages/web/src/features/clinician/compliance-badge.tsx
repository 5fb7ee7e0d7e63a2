import { Group, Tooltip, VisuallyHidden } from '@mantine/core';
import type { ComplianceStatus } from '../../api/compliance-api.ts';
import { label } from '../../components/labels.ts';
import { amber, ToneBadge } from './badges.tsx';

const tone: Record<ComplianceStatus, { color: string; variant: 'filled' | 'outline'; words: string }> = {
  compliant: { color: 'keel.8', variant: 'outline', words: 'Compliant' },
  action_needed: { color: amber, variant: 'filled', words: 'Action needed' },
  blocked: { color: 'red.8', variant: 'filled', words: 'Blocked' },
};

export const complianceWords = (status: ComplianceStatus): string => tone[status].words;

/**
 * The prescribing-compliance status as a badge (docs/compliance.md). With reason codes, a tooltip names them in
 * words for a pointer, and the same words follow as visually hidden text for a screen reader.
 */
export function ComplianceBadge({ status, reasonCodes = [] }: { status: ComplianceStatus; reasonCodes?: readonly string[] }) {
  const t = tone[status];
  const reasons = reasonCodes.map((c) => label(c));
  const badge = (
    <ToneBadge color={t.color} variant={t.variant}>
      {t.words}
    </ToneBadge>
  );
  if (reasons.length === 0) return badge;
  return (
    <Group gap={0} wrap="nowrap" display="inline-flex">
      <Tooltip label={reasons.join('; ')} multiline maw={320} withArrow>
        <span tabIndex={0} style={{ display: 'inline-flex' }} data-testid="compliance-badge">
          {badge}
        </span>
      </Tooltip>
      <VisuallyHidden>: {reasons.join('; ')}</VisuallyHidden>
    </Group>
  );
}
