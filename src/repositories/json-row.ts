// A row as one JSON array, built by PostgreSQL and read with one JSON.parse: for hot statements whose rows have many
// columns, where the driver's per-statement and per-column work (row description, a parser per field) outweighs the
// statement itself. Each column is declared with its kind, so the SQL and the decoding come from one list and the
// decoded object has the driver's own types (ids and bigints as text, instants as Dates, numerics as text).

/** How a column travels: as it is (text, int, bool, json), as text (ids, bigints, numerics), or as epoch ms (time). */
export type JsonColumnKind = 'asIs' | 'text' | 'time';

export type JsonColumns<K extends string> = readonly (readonly [K, JsonColumnKind])[];

/** `json_build_array(...)` of the columns of `alias`, in order. */
export function jsonRowSql<K extends string>(alias: string, columns: JsonColumns<K>): string {
  const one = ([col, kind]: readonly [K, JsonColumnKind]): string =>
    kind === 'text'
      ? `${alias}.${col}::text`
      : kind === 'time'
        ? `floor(extract(epoch FROM ${alias}.${col}) * 1000)`
        : `${alias}.${col}`;
  return `json_build_array(${columns.map(one).join(', ')})`;
}

/** The object of a jsonRowSql array: instants become Dates (milliseconds, as the driver keeps them). */
export function fromJsonRow<K extends string>(columns: JsonColumns<K>, values: readonly unknown[]): Record<K, unknown> {
  const out = {} as Record<K, unknown>;
  columns.forEach(([col, kind], i) => {
    const v = values[i] ?? null;
    out[col] = kind === 'time' && v !== null ? new Date(Number(v)) : v;
  });
  return out;
}
