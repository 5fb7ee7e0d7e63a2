import { keyring, useAuditKeys } from '../../src/audit/audit-keys.ts';

/** Every test process keys its audit rows with this fixed test key (production reads KEEL_AUDIT_KEY). */
export const testAuditKeys = keyring('test-1', Buffer.from('9715cb29aa4dfdfd11197032d947956cd903de395a853581e8304585393741c0', 'hex'));
useAuditKeys(testAuditKeys);
