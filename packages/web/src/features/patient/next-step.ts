import type { AssessmentSchedule, ConsentList, EducationList, Intake, Plan, SessionSummary } from '../../api/patient-api.ts';
import { isSameLocalDay } from './format.ts';

/** The one thing the patient should do next, worked out from their real record. */
export interface NextStep {
  id:
    | 'finish-intake'
    | 'more-info'
    | 'wait-review'
    | 'declined'
    | 'sign-consent'
    | 'education'
    | 'wait-plan'
    | 'session-in-progress'
    | 'session-ready'
    | 'book-first-session'
    | 'check-in'
    | 'assessments'
    | 'next-session'
    | 'book-session';
  title: string;
  body: string;
  /** Where the action is (relative to /patient); absent when there is nothing to do but wait. */
  to?: string;
  action?: string;
}

export interface NextStepInput {
  intake: Intake;
  consents: ConsentList | null;
  education: EducationList | null;
  plan: Plan | null;
  sessions: readonly SessionSummary[];
  schedule: AssessmentSchedule | null;
  now: Date;
}

export function nextStep({ intake, consents, education, plan, sessions, schedule, now }: NextStepInput): NextStep {
  switch (intake.status) {
    case 'draft': {
      const done = intake.progress.filter((s) => s.complete).length;
      return {
        id: 'finish-intake',
        title: 'Finish your intake',
        body: `${done} of ${intake.progress.length} sections done. Your answers are saved as you go, so you can stop and come back.`,
        to: 'intake',
        action: done === 0 ? 'Start your intake' : 'Continue your intake',
      };
    }
    case 'info_requested':
      return {
        id: 'more-info',
        title: 'Your clinician asked for a little more information',
        body: intake.latestDecision?.note ?? 'Open your intake to see what is needed, update it and submit it again.',
        to: 'intake',
        action: 'Update your intake',
      };
    case 'submitted':
      return {
        id: 'wait-review',
        title: 'Your intake is with a clinician',
        body: 'A clinician is reviewing your answers. You will hear back here and by email; there is nothing you need to do now.',
        to: 'intake',
        action: 'See what you sent',
      };
    case 'declined':
      return {
        id: 'declined',
        title: 'This program is not the right fit for now',
        body: intake.latestDecision?.note ?? 'Your clinician explained their decision. You can message the care team with questions.',
        to: 'messages',
        action: 'Message your care team',
      };
    case 'approved':
      break;
  }
  if (consents && !consents.signedCurrent)
    return {
      id: 'sign-consent',
      title: 'Read and sign the consent form',
      body: 'Your intake was approved. Before anything else, read what the program involves and sign the consent form.',
      to: 'consent',
      action: 'Read the consent form',
    };
  if (education && education.requiredRemaining.length > 0)
    return {
      id: 'education',
      title: 'Finish your lessons',
      body: `${education.requiredRemaining.length} short lesson${education.requiredRemaining.length === 1 ? '' : 's'} left about staying safe at home.`,
      to: 'education',
      action: 'Continue the lessons',
    };
  if (!plan)
    return {
      id: 'wait-plan',
      title: 'Your clinician is preparing your treatment plan',
      body: 'Once your prescriber signs your plan and your medication is sent, you can book your first session.',
    };
  const active = sessions.find((s) => s.status === 'in_progress') ?? sessions.find((s) => s.status === 'authorized');
  if (active?.status === 'in_progress')
    return { id: 'session-in-progress', title: 'Your session is in progress', body: 'Go back to your session.', to: `sessions/${active.id}`, action: 'Open your session' };
  if (active)
    return { id: 'session-ready', title: 'Your session is ready', body: 'Your safety check passed. Start when you and your sitter are ready.', to: `sessions/${active.id}`, action: 'Go to your session' };
  const upcoming = sessions
    .filter((s) => s.status === 'scheduled')
    .sort((a, b) => a.scheduledFor.localeCompare(b.scheduledFor));
  const today = upcoming.find((s) => isSameLocalDay(new Date(s.scheduledFor), now) || new Date(s.scheduledFor) < now);
  if (today)
    return {
      id: 'session-ready',
      title: 'Your session is today',
      body: 'Get ready: the checklist, your blood pressure, and your sitter’s confirmation come first.',
      to: `sessions/${today.id}`,
      action: 'Prepare for your session',
    };
  if (sessions.length === 0)
    return { id: 'book-first-session', title: 'Book your first session', body: 'Pick a time when your sitter can be with you for about two hours.', to: 'sessions', action: 'Book a session' };
  const checkIn = schedule?.items.find((i) => i.code === 'checkin' && i.status !== 'upcoming');
  if (checkIn) return { id: 'check-in', title: 'Check in today', body: 'A minute or two: mood, sleep and how you are feeling.', to: 'check-in', action: 'Check in now' };
  const dueCount = schedule ? schedule.dueCount + schedule.overdueCount : 0;
  if (dueCount > 0)
    return {
      id: 'assessments',
      title: 'Questionnaires are due',
      body: `${dueCount} short questionnaire${dueCount === 1 ? ' is' : 's are'} due. They help your care team see how you are doing.`,
      to: 'check-in',
      action: 'Answer them',
    };
  const next = upcoming[0];
  if (next) return { id: 'next-session', title: 'Your next session', body: `Scheduled for ${new Date(next.scheduledFor).toLocaleString()}.`, to: `sessions/${next.id}`, action: 'See the session' };
  return { id: 'book-session', title: 'Book your next session', body: 'Choose a time when your sitter can be with you.', to: 'sessions', action: 'Book a session' };
}
