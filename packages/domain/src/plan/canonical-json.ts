// A stable serialisation of a record for signature hashing (I9): the prescriber's signature is bound to the SHA-256
// of this string, so two equal plans must give byte-identical strings whatever order their keys were built in.
// Follows the shape of RFC 8785 (JCS): object keys sorted by UTF-16 code units, no whitespace, JSON string escaping,
// ECMAScript number formatting.
//
// It throws (a programmer error, not an expected outcome) on values JSON cannot represent faithfully: NaN and
// Infinity would silently become `null` under JSON.stringify, and two different plans hashing to the same string
// would let a signature cover a record nobody signed.

export function canonicalJson(value: unknown): string {
  return serialise(value, new Set<object>(), '$');
}

function serialise(value: unknown, seen: Set<object>, path: string): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'string':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: non-finite number at ${path}`);
      return JSON.stringify(value);
    case 'object':
      break;
    default:
      throw new TypeError(`canonicalJson: cannot serialise a ${typeof value} at ${path}`);
  }
  if (value instanceof Date) {
    if (!Number.isFinite(value.getTime())) throw new TypeError(`canonicalJson: invalid Date at ${path}`);
    return JSON.stringify(value.toISOString());
  }
  if (seen.has(value)) throw new TypeError(`canonicalJson: cycle at ${path}`);
  seen.add(value);
  try {
    if (Array.isArray(value)) {
      const items = value.map((item: unknown, i) => {
        if (item === undefined) throw new TypeError(`canonicalJson: undefined array item at ${path}[${i}]`);
        return serialise(item, seen, `${path}[${i}]`);
      });
      return `[${items.join(',')}]`;
    }
    const proto = Object.getPrototypeOf(value) as unknown;
    if (proto !== Object.prototype && proto !== null) {
      throw new TypeError(`canonicalJson: only plain objects can be serialised (at ${path})`);
    }
    const record = value as Record<string, unknown>;
    // Absent and undefined are the same record (as in JSON.stringify), so an optional field left undefined
    // does not change the hash.
    const keys = Object.keys(record)
      .filter((k) => record[k] !== undefined)
      .sort(compareCodeUnits);
    const members = keys.map((k) => `${JSON.stringify(k)}:${serialise(record[k], seen, `${path}.${k}`)}`);
    return `{${members.join(',')}}`;
  } finally {
    seen.delete(value);
  }
}

// Array.prototype.sort's default comparison is already by UTF-16 code units; spelled out so it cannot be
// "improved" into localeCompare, which varies between runtimes.
function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
