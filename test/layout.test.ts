import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { SOURCES } from '../src/domain/types';
import { SIMULATOR_MODULES } from '../src/simulators/registry';
import { VENDOR_MODULES } from '../src/vendors/registry';

/**
 * Outside a vendor's folders and the registries, no code names a particular vendor. Checked on
 * the syntax tree, so comments never count, and neither do strings with whitespace in them: those
 * are messages and descriptions written for people. Everything else that names a vendor (an
 * identifier, a wire value such as 'GREENARROW', a variable name such as 'GREENARROW_BASE_URL', an
 * import of a vendor's folder) is code that knows which vendor it is talking to.
 */

const ROOT = join(__dirname, '..');

/** Each vendor's folder name, under src/vendors/ and src/simulators/: its source in lower case, `-` for `_`. */
const VENDOR_FOLDERS = SOURCES.map((source) => source.toLowerCase().replace(/_/g, '-'));
/** A vendor's name in any spelling: RAINMAKER, RainMaker, rainMaker, USER_MANAGEMENT, user-management, userManagement. */
const VENDOR_NAME = new RegExp(SOURCES.map((source) => source.toLowerCase().replace(/_/g, '[-_]?')).join('|'), 'i');

/** Where naming a vendor is the point: its own folders, the two registries, and code generated from the schema. */
const FREE = new RegExp(
  `^src/(vendors|simulators)/(${VENDOR_FOLDERS.join('|')})/|^src/vendors/registry\\.ts$|^src/simulators/registry\\.ts$|^src/generated/`,
);

/**
 * The few places elsewhere that must name the vendors, each narrowed to one declaration: a node is
 * allowed when it sits inside the declaration named `within`, or inside a call given it as first
 * argument (`registerEnumType(SourceEnum, …)`).
 */
const ALLOWED: readonly { file: string; within: string; why: string }[] = [
  { file: 'src/domain/types.ts', within: 'SOURCES', why: 'the vendor list itself' },
  {
    file: 'src/simulators/kit/seed.ts',
    within: 'in',
    why: "which vendors hold each sample person (SeedPerson.in); each vendor's simulator seeds its own, and tests pick sample people by it",
  },
];

interface Naming {
  file: string;
  line: number;
  name: string;
  /** The declaration names around the node, innermost first, and first arguments of calls. */
  context: string[];
  source: string;
}

function* typeScriptFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* typeScriptFiles(path);
    else if (entry.name.endsWith('.ts')) yield path;
  }
}

/** What a node says in code, or null for prose: a string literal with whitespace in it. */
function codeText(node: ts.Node): string | null {
  if (ts.isIdentifier(node) || ts.isPrivateIdentifier(node)) return node.text;
  if (ts.isStringLiteralLike(node) || ts.isTemplateLiteralToken(node) || ts.isRegularExpressionLiteral(node)) {
    return /\s/.test(node.text) ? null : node.text;
  }
  return null;
}

/** The names a node sits inside: enclosing declarations, and the first argument of enclosing calls. */
function contextOf(node: ts.Node): string[] {
  const names: string[] = [];
  for (let parent = node.parent; parent !== undefined; parent = parent.parent) {
    const name = (parent as { name?: ts.Node }).name;
    if (name !== undefined && (ts.isIdentifier(name) || ts.isStringLiteral(name))) names.push(name.text);
    if (ts.isCallExpression(parent) && parent.arguments[0] !== undefined && ts.isIdentifier(parent.arguments[0]))
      names.push(parent.arguments[0].text);
  }
  return names;
}

/** The nodes of a file that name a vendor in code. */
function vendorNames(sourceFile: ts.SourceFile): { node: ts.Node; name: string }[] {
  const found: { node: ts.Node; name: string }[] = [];
  const visit = (node: ts.Node): void => {
    const name = codeText(node);
    if (name !== null && VENDOR_NAME.test(name)) found.push({ node, name });
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return found;
}

/** Every place in src/ outside the free places that names a vendor in code. */
function vendorNamings(): Naming[] {
  const namings: Naming[] = [];
  for (const path of typeScriptFiles(join(ROOT, 'src'))) {
    const file = relative(ROOT, path).split('\\').join('/');
    if (FREE.test(file)) continue;
    const text = readFileSync(path, 'utf8');
    const sourceFile = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
    const lines = text.split('\n');
    for (const { node, name } of vendorNames(sourceFile)) {
      const line = sourceFile.getLineAndCharacterOfPosition(node.getStart(sourceFile)).line + 1;
      namings.push({ file, line, name, context: contextOf(node), source: lines[line - 1].trim() });
    }
  }
  return namings;
}

/**
 * Classes named `*Source`. `Source` is the vendor list (the GraphQL enum `Source`), so a vendor's
 * client is a `*Client`; a GraphQL object type may still describe one vendor for its parent, under
 * the public schema's name (`ReconciliationSource`), since that is the enum's meaning.
 */
function sourceNamedClasses(sourceFile: ts.SourceFile): string[] {
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isClassLike(node) && node.name !== undefined && /Source$/.test(node.name.text)) {
      const graphqlType = (ts.getDecorators(node) ?? []).some(
        (decorator) =>
          ts.isCallExpression(decorator.expression) &&
          ts.isIdentifier(decorator.expression.expression) &&
          decorator.expression.expression.text === 'ObjectType',
      );
      if (!graphqlType) found.push(node.name.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return found;
}

const allowanceFor = (naming: Naming) =>
  ALLOWED.find((allowed) => allowed.file === naming.file && naming.context.includes(allowed.within));

describe('the layout', () => {
  const namings = vendorNamings();

  it('names no particular vendor outside its folders, the registries and the allowed declarations', () => {
    const offending = namings
      .filter((naming) => allowanceFor(naming) === undefined)
      .map(({ file, line, name, source }) => `${file}:${line}: ${name} in: ${source}`);
    expect(offending).toEqual([]);
  });

  it('allows nothing that is no longer needed', () => {
    const unused = ALLOWED.filter((allowed) => !namings.some((naming) => allowanceFor(naming) === allowed));
    expect(unused).toEqual([]);
  });

  it('finds what it looks for: code that names a vendor, not comments or messages', () => {
    const code =
      "if (sources.includes('RAINMAKER')) start(new GreenArrowSimulator()); // RainMaker first\nlog('GreenArrow answered');";
    const names = vendorNames(ts.createSourceFile('example.ts', code, ts.ScriptTarget.Latest, true)).map(
      ({ name }) => name,
    );
    expect(names).toEqual(['RAINMAKER', 'GreenArrowSimulator']);
  });

  it('names no class *Source: a vendor client is a *Client, Source is the vendor list', () => {
    const offending = [...typeScriptFiles(join(ROOT, 'src'))].flatMap((path) =>
      sourceNamedClasses(ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true)).map(
        (name) => `${relative(ROOT, path)}: class ${name}`,
      ),
    );
    expect(offending).toEqual([]);
  });

  it('finds a class named *Source, but not a GraphQL type describing one vendor', () => {
    const code = [
      'export class AcmeSource extends VendorClient {}',
      "@ObjectType({ description: 'One vendor.' }) export class ReportSource {}",
      'const Anonymous = class TelemetrySource {};',
      'export class AcmeClient extends VendorClient {}',
    ].join('\n');
    expect(sourceNamedClasses(ts.createSourceFile('example.ts', code, ts.ScriptTarget.Latest, true))).toEqual([
      'AcmeSource',
      'TelemetrySource',
    ]);
  });

  it('keeps only the entries and the composition root directly in src/', () => {
    const loose = readdirSync(join(ROOT, 'src'), { withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => entry.name)
      .sort();
    expect(loose).toEqual(['app.ts', 'config.ts', 'demo.ts', 'index.ts']);
  });

  it('registers a vendor module and a simulator module for every vendor, under its own source', () => {
    expect(SOURCES.map((source) => VENDOR_MODULES[source].source)).toEqual([...SOURCES]);
    expect(SIMULATOR_MODULES.map((module) => module.source).sort()).toEqual([...SOURCES].sort());
  });

  it('keeps every vendor in a folder of its own under src/vendors/ and src/simulators/, named after its source', () => {
    const folders = (dir: string) =>
      readdirSync(join(ROOT, 'src', dir), { withFileTypes: true })
        .filter((entry) => entry.isDirectory() && entry.name !== 'kit' && entry.name !== 'transport')
        .map((entry) => entry.name)
        .sort();
    expect(folders('vendors')).toEqual([...VENDOR_FOLDERS].sort());
    expect(folders('simulators')).toEqual([...VENDOR_FOLDERS].sort());
  });

  it('has every vendor describe itself, for its value of the GraphQL enum Source', () => {
    const undescribed = SOURCES.filter((source) => !/^\S.{10,}\.$/.test(VENDOR_MODULES[source].description));
    expect(undescribed).toEqual([]);
  });
});
