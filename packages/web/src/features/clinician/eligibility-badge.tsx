import { Badge } from '@mantine/core';

const labels = { likely_eligible: 'Likely eligible', needs_review: 'Needs review', not_eligible: 'Not eligible' } as const;
const colors = { likely_eligible: 'keel.8', needs_review: '#8a4b00', not_eligible: 'red.9' } as const;

export function EligibilityBadge({ eligibility }: { eligibility: keyof typeof labels }) {
  return (
    <Badge color={colors[eligibility]} variant={eligibility === 'needs_review' ? 'outline' : 'filled'} radius="sm" tt="none">
      {labels[eligibility]}
    </Badge>
  );
}
