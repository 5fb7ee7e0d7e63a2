import { Alert, Stack, Text, Title } from '@mantine/core';
import { gateReasonHelp } from '@keel/domain';
import { atTime, distance } from '../../components/when.ts';
import { placedByCareTeam, standingReasons, type GateReason, type SessionSteps } from './gate-reason-order.ts';

interface GateReasonsProps {
  reasons: readonly GateReason[];
  /** With the session, a reason whose step the patient has since done is no longer shown. */
  session?: SessionSteps;
}

const instant = /\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?/g;

/** The server's sentence with any time in it said in words, in the patient's own time zone. */
function sentence(message: string): string {
  return message.replace(instant, (iso) => atTime(iso));
}

/** Every reason the safety check gave that still stands, one clear sentence each, the care team's holds first. */
export function GateReasons({ reasons, session }: GateReasonsProps) {
  const standing = standingReasons(reasons, session);
  if (standing.length === 0) {
    return (
      <Alert color="keel" variant="light" title="You have done what the safety check asked" role="status" data-testid="gate-cleared">
        Run the safety check again when you are ready.
      </Alert>
    );
  }
  return (
    <Alert color="red" variant="light" title="Not today — not yet" role="alert" data-testid="gate-blocked">
      <Text mb="sm">
        The safety check found {standing.length === 1 ? 'one thing' : `${standing.length} things`} to sort out before this session can go ahead. This is there to keep you safe.
      </Text>
      <Stack gap="md" component="ol" style={{ paddingLeft: '1.2rem', margin: 0 }}>
        {standing.map((reason) => {
          const help = gateReasonHelp[reason.code];
          const earliest = typeof reason.detail?.['nextEligibleAt'] === 'string' ? reason.detail['nextEligibleAt'] : null;
          return (
            <li key={reason.code} data-reason={reason.code}>
              <Title order={3} size="h5">
                {help.title}
              </Title>
              {placedByCareTeam.has(reason.code) && (
                <Text size="sm" fw={650}>
                  Your care team has placed this hold; it lifts when they clear it.
                </Text>
              )}
              <Text size="sm">{sentence(reason.message)}</Text>
              {earliest && (
                <Text size="sm" fw={650}>
                  Earliest: {atTime(earliest)} ({distance(earliest)}).
                </Text>
              )}
              <Text size="sm" mt={2}>
                <strong>What to do:</strong> {help.whatToDo}
              </Text>
            </li>
          );
        })}
      </Stack>
    </Alert>
  );
}
