import { Badge, type BadgeProps } from '@mantine/core';
import type { ReactNode } from 'react';
import { humanize } from './format.ts';

type Severity = 'critical' | 'high' | 'moderate' | 'low';
type Tier = 'low' | 'elevated' | 'high';

/** A dark amber: white on it, and it on white, are both above 4.5:1 (Mantine's orange shades are not). */
export const amber = '#8a4b00';

interface ToneProps {
  color: string;
  variant: 'filled' | 'outline';
  children: ReactNode;
  size?: BadgeProps['size'];
}

/**
 * A status word as a badge. Filled badges use dark shades under white text; outline badges use the colour for the
 * text on white; both pass WCAG AA. The label never truncates (a clipped word is no label at all).
 */
export function ToneBadge({ color, variant, children, size }: ToneProps) {
  return (
    <Badge color={color} variant={variant} radius="sm" size={size} styles={{ root: { maxWidth: 'none', flexShrink: 0 }, label: { overflow: 'visible' } }}>
      {children}
    </Badge>
  );
}

const severityTone: Record<Severity, Omit<ToneProps, 'children'>> = {
  critical: { color: 'red.9', variant: 'filled' },
  high: { color: 'red.7', variant: 'filled' },
  moderate: { color: amber, variant: 'filled' },
  low: { color: 'gray.8', variant: 'outline' },
};

export function SeverityBadge({ severity }: { severity: Severity }) {
  return <ToneBadge {...severityTone[severity]}>{severity}</ToneBadge>;
}

const tierTone: Record<Tier, Omit<ToneProps, 'children'>> = {
  high: { color: 'red.7', variant: 'filled' },
  elevated: { color: amber, variant: 'filled' },
  low: { color: 'keel.8', variant: 'outline' },
};

export function RiskTierBadge({ tier }: { tier: Tier | null }) {
  if (!tier) {
    return (
      <ToneBadge color="gray.8" variant="outline">
        not assessed
      </ToneBadge>
    );
  }
  return <ToneBadge {...tierTone[tier]}>{tier} risk</ToneBadge>;
}

export function StatusBadge({ status }: { status: string }) {
  return (
    <ToneBadge color="keel.9" variant="outline">
      {humanize(status)}
    </ToneBadge>
  );
}
