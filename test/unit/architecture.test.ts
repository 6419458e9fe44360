// The folder rules of src/ (README "How it is built"), read from the import statements of every source file, so a
// handler that reaches into a repository or a rule that reads the clock fails here rather than in review. The
// folder import graph is printed with the result.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));
const ROOT = '(root)';

interface Import {
  readonly file: string;
  /** Folder under src/ of the importing file, or (root) for a file directly under src/. */
  readonly from: string;
  /** The module as written ('knex', 'node:fs', './x.ts'). */
  readonly spec: string;
  /** For a relative import: the folder under src/ it lands in, or (root) and the file name. */
  readonly toFolder: string | null;
  readonly toFile: string | null;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : [],
  );
}

const folderOf = (rel: string): string => (rel.includes('/') ? rel.split('/')[0]! : ROOT);

// Static imports and re-exports (`import … from '…'`, `export … from '…'`, side-effect `import '…'`) and dynamic
// `import('…')`; comments are removed first so a quoted path in prose is not an import.
const STATIC = /(?:^|[;\n])\s*(?:import|export)\s+(?:type\s+)?(?:[^;'"]*?\sfrom\s+)?['"]([^'"]+)['"]/g;
const DYNAMIC = /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

function importsOf(file: string): Import[] {
  const text = readFileSync(file, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/^\s*\/\/.*$/gm, '');
  const rel = path.relative(SRC, file).split(path.sep).join('/');
  const specs = [...text.matchAll(STATIC), ...text.matchAll(DYNAMIC)].map((m) => m[1]!);
  return specs.map((spec) => {
    if (!spec.startsWith('.')) return { file: rel, from: folderOf(rel), spec, toFolder: null, toFile: null };
    const target = path
      .relative(SRC, path.resolve(path.dirname(file), spec))
      .split(path.sep)
      .join('/');
    return { file: rel, from: folderOf(rel), spec, toFolder: folderOf(target), toFile: target };
  });
}

const ALL = sourceFiles(SRC).flatMap(importsOf);
const CROSS = ALL.filter((i) => i.toFolder !== null && i.toFolder !== i.from);

/** Root modules that entry points may use: no I/O of their own beyond what they are for, no business rules. */
const ROOT_LEAVES = new Set([
  'errors.ts',
  'money.ts',
  'datetime.ts',
  'log.ts',
  'clock.ts',
  'config.ts',
  'metrics.ts',
  'secrets.ts',
  'request-body.ts',
]);
/** Root modules with no I/O at all, which rules may use. */
const PURE_ROOT = new Set(['errors.ts', 'money.ts', 'datetime.ts']);
/** The composition: the only files that may import the entry-point folders (soap, web, admin). */
const COMPOSITION = new Set(['main.ts', 'app.ts', 'server.ts']);

const show = (list: readonly Import[]): string[] => list.map((i) => `${i.file} → ${i.spec}`);

/**
 * Query building (README "How it is built"): a statement (`.raw(`), a builder step (`.where…(`, `.first(`,
 * `.forUpdate(`, `.skipLocked(`, `.pluck(`, `.onConflict(`, `.returning(`, `.leftJoin(`), a table handle called on a
 * connection or transaction (`knex(…)`, `tx(…)`, `db(…)`), a table name of the repositories (`T.x`, `OT.x`), or a
 * runtime import of knex. `import type { Knex }`, to pass the handle through, is none of these.
 */
const QUERY_BUILDING: readonly RegExp[] = [
  /\.raw\(/,
  /\.where\w*\(/,
  /\.(?:first|forUpdate|skipLocked|pluck|onConflict|returning|leftJoin|innerJoin)\(/,
  /\b(?:knex|tx|trx|db|sp)\s*\(/,
  /\bO?T\.[a-zA-Z]+\b/,
  /^\s*import\s+(?!type\b)[^;]*from\s+['"]knex['"]/,
];
/** Files outside src/repositories that may still build queries: none. */
const QUERY_ALLOWED = new Set<string>();

/** Each file under src/ (path relative to src/) with the query-building lines it holds, comments removed. */
const QUERIES = sourceFiles(SRC).map((file) => {
  const rel = path.relative(SRC, file).split(path.sep).join('/');
  const text = readFileSync(file, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/^\s*\/\/.*$/gm, '');
  const lines = text.split('\n').filter((line) => QUERY_BUILDING.some((re) => re.test(line)));
  return { file: rel, lines };
});

const TEST = fileURLToPath(new URL('../', import.meta.url));
const SCRIPTS = fileURLToPath(new URL('../../scripts/', import.meta.url));
const ROW_TYPE = /\bDb[A-Za-z]*Row\b/g;

/**
 * Every use of a `Db…Row` type (a table's snake_case row) outside src/repositories, in src/, test/ and scripts/:
 * repositories map their rows to camelCase domain values (toAccount, toCoupon, …) before anything else sees them.
 */
const ROW_TYPE_USES = [...sourceFiles(SRC), ...sourceFiles(TEST), ...sourceFiles(SCRIPTS)]
  .filter((file) => !path.relative(SRC, file).split(path.sep).join('/').startsWith('repositories/'))
  .flatMap((file) => {
    const text = readFileSync(file, 'utf8')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/^\s*\/\/.*$/gm, '');
    const rel = path.relative(path.join(SRC, '..'), file).split(path.sep).join('/');
    return [...new Set([...text.matchAll(ROW_TYPE)].map((m) => `${rel}: ${m[0]}`))];
  });

describe('folder rules of src/', () => {
  before(() => {
    const counts = new Map<string, number>();
    for (const i of CROSS) counts.set(`${i.from} → ${i.toFolder}`, (counts.get(`${i.from} → ${i.toFolder}`) ?? 0) + 1);
    const lines = [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([edge, n]) => `      ${edge} (${n})`);
    console.log(
      `    folder import graph (importing folder → imported folder, import statements):\n${lines.join('\n')}`,
    );
  });

  it('finds the imports it checks (the reader is not blind)', () => {
    expect(CROSS.some((i) => i.from === 'soap' && i.toFolder === 'services')).to.equal(true);
    expect(CROSS.some((i) => i.from === 'services' && i.toFolder === 'repositories')).to.equal(true);
    expect(ALL.some((i) => i.from === 'repositories' && i.spec === 'knex')).to.equal(true);
  });

  it('soap and web import only services, schema and the root leaf modules', () => {
    const bad = CROSS.filter(
      (i) =>
        (i.from === 'soap' || i.from === 'web') &&
        !(i.toFolder === 'services' || i.toFolder === 'schema') &&
        !(i.toFolder === ROOT && ROOT_LEAVES.has(i.toFile!)),
    );
    expect(show(bad)).to.deep.equal([]);
  });

  it('rules import nothing but rules and root modules without I/O: no Knex, no file system, no network', () => {
    const bad = ALL.filter(
      (i) =>
        i.from === 'rules' &&
        (i.toFolder === null
          ? i.spec !== 'node:crypto'
          : i.toFolder !== 'rules' && !(i.toFolder === ROOT && PURE_ROOT.has(i.toFile!))),
    );
    expect(show(bad)).to.deep.equal([]);
  });

  it('nothing imports soap, web or admin except the composition (main.ts, app.ts, server.ts)', () => {
    const bad = CROSS.filter(
      (i) =>
        (i.toFolder === 'soap' || i.toFolder === 'web' || i.toFolder === 'admin') &&
        !(i.from === ROOT && COMPOSITION.has(i.file)),
    );
    expect(show(bad)).to.deep.equal([]);
  });

  it('services, repositories, rules and mail never import the entry points or the composition', () => {
    const lower = new Set(['services', 'repositories', 'rules', 'mail', 'schema']);
    const bad = CROSS.filter(
      (i) =>
        lower.has(i.from) &&
        (['soap', 'web', 'admin'].includes(i.toFolder!) || (i.toFolder === ROOT && COMPOSITION.has(i.toFile!))),
    );
    expect(show(bad)).to.deep.equal([]);
  });

  it('the root leaf modules import no folder but rules and the clock its row (the clock decides its moves there)', () => {
    const bad = CROSS.filter(
      (i) =>
        i.from === ROOT &&
        ROOT_LEAVES.has(i.file) &&
        !(i.file === 'clock.ts' && (i.toFolder === 'rules' || i.toFile === 'repositories/test-clock.ts')),
    );
    expect(show(bad)).to.deep.equal([]);
  });

  it('finds the query building it checks (the scan is not blind)', () => {
    const found = (file: string): number => QUERIES.find((q) => q.file === file)?.lines.length ?? 0;
    expect(found('repositories/coupons.ts')).to.be.greaterThan(5);
    expect(found('repositories/db.ts')).to.be.greaterThan(0); // its runtime import of knex
    expect(found('repositories/accounts.ts')).to.be.greaterThan(3);
  });

  it('only src/repositories builds queries: services, web, admin, mail, soap, rules and the root modules do not', () => {
    const bad = QUERIES.filter((q) => !q.file.startsWith('repositories/') && !QUERY_ALLOWED.has(q.file)).flatMap((q) =>
      q.lines.map((line) => `${q.file}: ${line.trim()}`),
    );
    expect(bad).to.deep.equal([]);
  });

  it('repositories hand out domain values: no Db…Row type is used outside src/repositories', () => {
    // The scan sees the row types where they are declared (not blind).
    expect(readFileSync(path.join(SRC, 'repositories/tables.ts'), 'utf8').match(ROW_TYPE)?.length).to.be.greaterThan(3);
    expect(ROW_TYPE_USES).to.deep.equal([]);
  });
});
