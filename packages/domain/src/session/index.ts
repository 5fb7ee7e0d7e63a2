export {
  COMPLETION_REASON_CODES,
  authorizationExpired,
  authorizationExpiresAt,
  doseTimesForPacing,
  evaluateCompletion,
  evaluateStart,
  lastDoseAt,
} from './session-lifecycle.ts';
export type {
  BaselineConfirmation,
  CompletionDecision,
  CompletionInput,
  CompletionReason,
  CompletionReasonCode,
  SessionPacingRecord,
  SessionStatus,
} from './session-lifecycle.ts';
export { BOOKING_REASON_CODES, checkBooking } from './booking.ts';
export type { BookingDecision, BookingInput, BookingReason, BookingReasonCode } from './booking.ts';
export { BOARD_URGENCY_REASONS, boardUrgency, compareBoardRows, sitterCheckDue, vitalsOverLimit } from './live-board.ts';
export type { BoardSortKey, BoardUrgencyReason, CheckRule, HoldLimits, UrgencyFacts } from './live-board.ts';
