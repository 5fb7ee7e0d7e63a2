// The daily compliance notices (docs/compliance.md, "The day the rule changes"):
// - 30 and 7 days before `telemedicineFlexibilityUntil`, each clinician with patients on the telemedicine
//   flexibilities and every administrator is told how many patients lapse and where the list is;
// - 30 days before a credential expires, the clinician and the administrators are told.
// Emails carry no health details (notifications/notifier.ts): a count, a date and a sign-in link. The outbox's unique
// `cause` makes each notice once only, however often the job runs or races itself; a notice missed on its day is
// sent on the next run inside the window.
import { EXPIRY_NOTICE_DAYS, LAPSE_NOTICE_DAYS_BEFORE, addDays, daysUntil, programDate } from '@keel/domain';
import { writeAudit } from '../../audit/audit-log.ts';
import { inTransaction } from '../../db/transaction.ts';
import { systemContext } from '../alerts/escalate-alerts.ts';
import { publicBaseUrl, type UseCaseDeps } from '../deps.ts';
import { loadProgramSettings } from '../settings/program-settings.service.ts';
import { lapsingPatients } from './compliance-status.ts';

/** Which lapse notice is due `daysLeft` days before the end (the smallest threshold not yet passed), or null. */
export function lapseNoticeDue(daysLeft: number): number | null {
  if (daysLeft < 0) return null;
  const due = [...LAPSE_NOTICE_DAYS_BEFORE].sort((a, b) => a - b).find((d) => daysLeft <= d);
  return due ?? null;
}

export async function sendComplianceNotices(deps: UseCaseDeps, now: Date): Promise<{ lapseNotices: number; expiryNotices: number }> {
  const ctx = systemContext(now, 'compliance.notices');
  return inTransaction(deps.database.db, async (tx) => {
    const settings = (await loadProgramSettings(tx)).dosing;
    const until = settings.compliance.telemedicineFlexibilityUntil;
    const link = `${publicBaseUrl(deps)}/`;
    const admins = await tx.selectFrom('users').select(['id', 'email']).where('role', '=', 'admin').where('deactivated_at', 'is', null).execute();
    let lapseNotices = 0;
    let expiryNotices = 0;

    const threshold = lapseNoticeDue(daysUntil(until, now, settings));
    if (threshold !== null) {
      const patients = await lapsingPatients(tx, settings, null);
      if (patients.length > 0) {
        const perClinician = new Map<string, number>();
        for (const p of patients) if (p.clinicianId) perClinician.set(p.clinicianId, (perClinician.get(p.clinicianId) ?? 0) + 1);
        const clinicians =
          perClinician.size === 0 ? [] : await tx.selectFrom('users').select(['id', 'email']).where('id', 'in', [...perClinician.keys()]).where('deactivated_at', 'is', null).execute();
        const lapsesOn = addDays(until, 1);
        const recipients = [
          ...clinicians.map((c) => ({ id: c.id, email: c.email, count: perClinician.get(c.id) ?? 0, whose: 'of your patients are' })),
          ...admins.map((a) => ({ id: a.id, email: a.email, count: patients.length, whose: 'patients in the program are' })),
        ];
        for (const r of recipients) {
          await deps.notifier.enqueue(
            tx,
            {
              cause: `compliance-lapse:${until}:${threshold}:${r.id}`,
              channel: 'email',
              recipient: r.email,
              subject: 'Keel: prescribing pathways lapse soon',
              body:
                `${r.count} ${r.whose} prescribed under the telemedicine flexibilities, which end on ${until}. ` +
                `From ${lapsesOn} they are blocked until they have an in-person evaluation (or their prescriber a special registration).\n` +
                `Sign in to see the list (Compliance → lapse list):\n${link}\n`,
            },
            now,
          );
          lapseNotices++;
        }
        await writeAudit(tx, ctx, {
          action: 'compliance.lapse_notice',
          resourceType: 'compliance_lapse_list',
          outcome: 'success',
          detail: { flexibilityUntil: until, daysBefore: threshold, patients: patients.length, recipients: recipients.length },
        });
      }
    }

    const today = programDate(now, settings);
    const expiring = await tx
      .selectFrom('prescriber_credentials as c')
      .innerJoin('users as u', 'u.id', 'c.clinician_id')
      .select(['c.id', 'c.kind', 'c.state', 'c.expires_on', 'c.clinician_id', 'u.email', 'u.name'])
      .where('c.expires_on', '>=', today)
      .where('c.expires_on', '<=', addDays(today, EXPIRY_NOTICE_DAYS))
      .where('u.deactivated_at', 'is', null)
      .execute();
    for (const c of expiring) {
      const what = c.kind === 'dea_registration' ? `DEA registration for ${c.state}` : `${c.state} licence`;
      const recipients = [{ id: c.clinician_id, email: c.email, text: `Your ${what} expires on ${c.expires_on}.` }, ...admins.map((a) => ({ id: a.id, email: a.email, text: `${c.name}'s ${what} expires on ${c.expires_on}.` }))];
      for (const r of recipients) {
        await deps.notifier.enqueue(
          tx,
          {
            cause: `credential-expiry:${c.id}:${c.expires_on}:${r.id}`,
            channel: 'email',
            recipient: r.email,
            subject: 'Keel: a prescriber credential expires soon',
            body: `${r.text} After that date Keel refuses plans, fills and doses that rest on it. An administrator records the renewal with its document.\n${link}\n`,
          },
          now,
        );
        expiryNotices++;
      }
    }
    if (expiring.length > 0) {
      await writeAudit(tx, ctx, { action: 'credentials.expiry_notice', resourceType: 'credentials', outcome: 'success', detail: { credentials: expiring.map((c) => c.id) } });
    }
    return { lapseNotices, expiryNotices };
  });
}
