import { addDays, wallClock } from '@keel/domain';
import { localToInstant } from '../use-cases/on-call/rota.ts';
import type { DemoContext, DemoStep } from './demo-context.ts';

// Demo data for the on-call rota (docs/live-board.md): clinician@ covers the days (08:00–20:00 New York time) for two
// weeks with Dr. Ellis as backup; Dr. Ellis covers the nights of the first week, from last night on. The nights of
// the second week are left open, so the admin's rota shows the coverage-gap warning. All synthetic.

const TIME_ZONE = 'America/New_York';

const onCallStep: DemoStep = async (ctx: DemoContext) => {
  const ellis = await ctx.tx.selectFrom('users').select('id').where('email', '=', 'alumni.clinician@keel.demo').executeTakeFirst();
  if (!ellis) return;
  const today = wallClock(ctx.now, TIME_ZONE).date;
  const shifts: { clinician: string; backup: string | null; starts: string; ends: string }[] = [];
  for (let day = -1; day < 14; day++) {
    const date = addDays(today, day);
    const next = addDays(today, day + 1);
    if (day >= 0) shifts.push({ clinician: ctx.users.clinician, backup: ellis.id, starts: `${date}T08:00`, ends: `${date}T20:00` });
    if (day < 7) shifts.push({ clinician: ellis.id, backup: ctx.users.clinician, starts: `${date}T20:00`, ends: `${next}T08:00` });
  }
  for (const s of shifts) {
    const startsAt = localToInstant(s.starts, TIME_ZONE);
    const endsAt = localToInstant(s.ends, TIME_ZONE);
    // 08:00 and 20:00 always exist in New York (the clocks change at 02:00).
    if (!startsAt || !endsAt) continue;
    await ctx.tx
      .insertInto('on_call_shifts')
      .values({
        id: crypto.randomUUID(),
        clinician_id: s.clinician,
        backup_clinician_id: s.backup,
        starts_at: startsAt,
        ends_at: endsAt,
        time_zone: TIME_ZONE,
        created_by: ctx.users.admin,
        created_at: ctx.now,
        cancelled_at: null,
        cancelled_by: null,
      })
      .execute();
  }
};

export const onCallDemoSteps: DemoStep[] = [onCallStep];
