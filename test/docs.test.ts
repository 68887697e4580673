import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { demoAuthEnv } from '../src/auth/demo-tokens';
import { loadConfig } from '../src/config';
import { SOURCES } from '../src/domain/types';
import { EnvReader, type Env } from '../src/platform/env';
import { loadSimulatorConfig } from '../src/simulators/config';

/**
 * The docs stay true for a reader who reads only them: every relative link in README.md and docs/
 * leads to a file that exists and every `#anchor` to a heading of its page, the README stays a
 * front door (at most 250 lines), and docs/configuration.md names every environment variable the
 * code reads, and reads nothing it names.
 */

const ROOT = join(__dirname, '..');
const README_MAX_LINES = 250;
const CONFIGURATION = 'docs/configuration.md';

function* filesUnder(dir: string, endings: readonly string[]): Generator<string> {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* filesUnder(path, endings);
    else if (endings.some((ending) => entry.name.endsWith(ending))) yield path;
  }
}

const repoPath = (path: string) => relative(ROOT, path).split('\\').join('/');
const read = (path: string) => readFileSync(path, 'utf8');

const MARKDOWN_FILES = [join(ROOT, 'README.md'), ...filesUnder(join(ROOT, 'docs'), ['.md'])];

// ---------------------------------------------------------------------------------------------
// Markdown: headings, their anchors, and links
// ---------------------------------------------------------------------------------------------

/** The lines of a Markdown file outside fenced code blocks, with their line numbers; code is not prose. */
function proseLines(markdown: string): { text: string; line: number }[] {
  const lines: { text: string; line: number }[] = [];
  let fence: string | null = null;
  markdown.split('\n').forEach((text, index) => {
    const opening = /^\s{0,3}(`{3,}|~{3,})/.exec(text);
    if (fence === null && opening) fence = opening[1];
    else if (fence !== null && text.trim().startsWith(fence)) fence = null;
    else if (fence === null) lines.push({ text, line: index + 1 });
  });
  return lines;
}

/** Inline code spans removed: a link written inside backticks is an example, not a link. */
const withoutCodeSpans = (text: string) => text.replace(/(`+)[\s\S]*?\1/g, '');

/**
 * The anchor GitHub gives a heading: its text as rendered (no inline-code backticks, a link's text
 * only, no emphasis marks or HTML), lower-cased, with every character that is not a letter, a mark,
 * a digit, a connector (`_`), a space or a hyphen dropped, and spaces turned into hyphens.
 */
function githubSlug(heading: string): string {
  const rendered = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, '')
    .replace(/`/g, '')
    .replace(/\*/g, '');
  return rendered
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/** Every anchor a Markdown file offers: one per ATX heading, a repeated one numbered `-1`, `-2`… as GitHub does. */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const { text } of proseLines(markdown)) {
    const heading = /^\s{0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$/.exec(text);
    if (!heading) continue;
    const slug = githubSlug(heading[1]);
    const count = seen.get(slug) ?? 0;
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
    seen.set(slug, count + 1);
  }
  return anchors;
}

interface Link {
  file: string;
  line: number;
  target: string;
}

/** Inline links and images `[text](target "title")` and reference definitions `[name]: target`. */
function linksOf(file: string): Link[] {
  const links: Link[] = [];
  for (const { text, line } of proseLines(read(file))) {
    const prose = withoutCodeSpans(text);
    for (const match of prose.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g))
      links.push({ file, line, target: match[1] });
    const definition = /^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+"[^"]*")?\s*$/.exec(prose);
    if (definition) links.push({ file, line, target: definition[1] });
  }
  return links;
}

/** Why a relative link does not lead where it says, or null when it does; links with a scheme are not followed. */
function brokenBecause(link: Link): string | null {
  if (/^[a-z][a-z0-9+.-]*:/i.test(link.target)) return null;
  const [pathPart, anchor] = link.target.split('#', 2) as [string, string | undefined];
  const path = decodeURIComponent(pathPart);
  const target = path === '' ? link.file : resolve(dirname(link.file), path);
  if (!target.startsWith(ROOT)) return `${path} is outside the repository`;
  if (!existsSync(target)) return `${repoPath(target)} does not exist`;
  if (anchor === undefined) return null;
  if (statSync(target).isDirectory() || !target.endsWith('.md'))
    return `#${anchor} points into a file that is not Markdown`;
  return anchorsOf(read(target)).has(decodeURIComponent(anchor))
    ? null
    : `${repoPath(target)} has no heading whose anchor is #${anchor}`;
}

describe('the docs', () => {
  it('has a README and a docs/ folder to read', () => {
    expect(existsSync(join(ROOT, 'README.md'))).toBe(true);
    expect(MARKDOWN_FILES.length).toBeGreaterThan(1);
  });

  it(`keeps README.md a front door of at most ${README_MAX_LINES} lines`, () => {
    const lines = read(join(ROOT, 'README.md')).replace(/\n$/, '').split('\n').length;
    expect(lines).toBeLessThanOrEqual(README_MAX_LINES);
  });

  it('has every relative link lead to a file that exists, and every #anchor to a heading of its page', () => {
    const links = MARKDOWN_FILES.flatMap(linksOf);
    expect(links.length).toBeGreaterThan(0);
    const broken = links
      .map((link) => ({ link, why: brokenBecause(link) }))
      .filter(({ why }) => why !== null)
      .map(({ link, why }) => `${repoPath(link.file)}:${link.line}: (${link.target}) ${why}`);
    expect(broken).toEqual([]);
  });

  it('lets a reader reach every page of docs/ from the README by following links', () => {
    const reached = new Set<string>();
    const queue = [join(ROOT, 'README.md')];
    while (queue.length > 0) {
      const file = queue.pop() as string;
      if (reached.has(file)) continue;
      reached.add(file);
      for (const link of linksOf(file)) {
        if (/^[a-z][a-z0-9+.-]*:/i.test(link.target)) continue;
        const path = decodeURIComponent(link.target.split('#')[0]);
        const target = path === '' ? file : resolve(dirname(file), path);
        if (target.endsWith('.md') && existsSync(target)) queue.push(target);
      }
    }
    const unreachable = MARKDOWN_FILES.filter((file) => !reached.has(file)).map(repoPath);
    expect(unreachable).toEqual([]);
  });

  it('computes anchors the way GitHub does', () => {
    expect(githubSlug('Sync: the people the vendors already have')).toBe('sync-the-people-the-vendors-already-have');
    expect(githubSlug('Resilience, and what an operator sees')).toBe('resilience-and-what-an-operator-sees');
    expect(githubSlug('`SIM_FAULTS` and [faults](x.md)')).toBe('sim_faults-and-faults');
    expect(githubSlug('Node 20, 22 and 24 (CI)')).toBe('node-20-22-and-24-ci');
    expect([...anchorsOf('# Tests\n## Tests\n```\n# not a heading\n```\n')]).toEqual(['tests', 'tests-1']);
  });
});

// ---------------------------------------------------------------------------------------------
// Environment variables: what the code reads, and what docs/configuration.md names
// ---------------------------------------------------------------------------------------------

/** Where the code that reads the environment lives: the gateway, its commands and scripts, and the tests' own knobs. */
const CODE_FILES = [
  ...filesUnder(join(ROOT, 'src'), ['.ts']),
  ...filesUnder(join(ROOT, 'scripts'), ['.js']),
  ...filesUnder(join(ROOT, 'bin'), ['.js']),
  ...filesUnder(join(ROOT, 'test'), ['.ts', '.js']),
].filter((file) => !repoPath(file).startsWith('src/generated/') && file !== __filename);

/**
 * Variables of the shell that tests hand on to the child processes they start (so `node` is found);
 * no part of usergraph reads them as settings.
 */
const HANDED_ON_FROM_THE_SHELL = new Set(['PATH', 'HOME']);

/** EnvReader's reading methods (`int`, `url`, `required`…), from the class itself so a new one counts at once. */
const READER_METHODS = new Set(
  Object.getOwnPropertyNames(EnvReader.prototype).filter((name) => name !== 'constructor'),
);

const VARIABLE_NAME = /^[A-Z][A-Z0-9_]*$/;

/** A name read under a computed name (`${source}_BASE_URL`), as a pattern its expansions must match. */
interface ComputedName {
  where: string;
  pattern: RegExp;
  text: string;
}

/**
 * Every variable the code names where it reads the environment, found on the syntax tree (so
 * comments and formatting never count): a literal name given to an EnvReader method
 * (`read.int('PORT', …)`), or passed with the reader to a helper (`readApiKeys(read, 'AUTH_API_KEYS')`),
 * or an element of an environment object (`process.env['CHROMIUM_PATH']`, `env['AUTH']`,
 * `process.env.X`). Names computed from a template are returned as patterns.
 */
function variablesNamedInCode(): { names: Map<string, string>; computed: ComputedName[] } {
  const names = new Map<string, string>();
  const computed: ComputedName[] = [];
  const sources = CODE_FILES.map((file) =>
    ts.createSourceFile(
      file,
      read(file),
      ts.ScriptTarget.Latest,
      true,
      file.endsWith('.js') ? ts.ScriptKind.JS : ts.ScriptKind.TS,
    ),
  );
  // What the code calls its readers where it declares their type (`read: EnvReader`).
  const readerNames = new Set<string>();
  const findReaderNames = (node: ts.Node): void => {
    if (ts.isParameter(node) && ts.isIdentifier(node.name) && node.type?.getText() === 'EnvReader')
      readerNames.add(node.name.text);
    ts.forEachChild(node, findReaderNames);
  };
  sources.forEach(findReaderNames);
  for (const source of sources) {
    const file = source.fileName;
    const readers = new Set<string>();
    const where = (node: ts.Node) =>
      `${repoPath(file)}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
    const note = (argument: ts.Expression | undefined, node: ts.Node) => {
      if (argument === undefined) return;
      if (ts.isStringLiteralLike(argument) && VARIABLE_NAME.test(argument.text)) {
        if (!names.has(argument.text)) names.set(argument.text, where(node));
      } else if (ts.isTemplateExpression(argument)) {
        const parts = [argument.head.text, ...argument.templateSpans.map((span) => span.literal.text)];
        const escaped = parts.map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
        computed.push({
          where: where(node),
          pattern: new RegExp(`^${escaped.join('[A-Z0-9_]+')}$`),
          text: argument.getText(source),
        });
      }
    };
    // The identifiers that hold an EnvReader in this file: `read: EnvReader`, `= new EnvReader(…)`, or
    // a parameter left untyped because an interface types it (`readTuning: (read, transport) => …`)
    // and named as readers are named elsewhere.
    const findReaders = (node: ts.Node): void => {
      if ((ts.isParameter(node) || ts.isVariableDeclaration(node)) && ts.isIdentifier(node.name)) {
        const typed = node.type !== undefined && node.type.getText(source) === 'EnvReader';
        const built =
          ts.isVariableDeclaration(node) &&
          node.initializer !== undefined &&
          ts.isNewExpression(node.initializer) &&
          node.initializer.expression.getText(source) === 'EnvReader';
        const contextual = ts.isParameter(node) && node.type === undefined && readerNames.has(node.name.text);
        if (typed || built || contextual) readers.add(node.name.text);
      }
      ts.forEachChild(node, findReaders);
    };
    const isReader = (node: ts.Node) => ts.isIdentifier(node) && readers.has(node.text);
    const isEnvironment = (node: ts.Expression) => /(^|\.)env$/i.test(node.getText(source));
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node)) {
        const callee = node.expression;
        if (
          ts.isPropertyAccessExpression(callee) &&
          isReader(callee.expression) &&
          READER_METHODS.has(callee.name.text)
        )
          note(node.arguments[0], node);
        node.arguments.forEach((argument, index) => {
          if (isReader(argument)) note(node.arguments[index + 1], node);
        });
      } else if (ts.isElementAccessExpression(node) && isEnvironment(node.expression)) {
        note(node.argumentExpression, node);
      } else if (
        ts.isPropertyAccessExpression(node) &&
        isEnvironment(node.expression) &&
        VARIABLE_NAME.test(node.name.text)
      ) {
        if (!names.has(node.name.text)) names.set(node.name.text, where(node));
      }
      ts.forEachChild(node, visit);
    };
    findReaders(source);
    visit(source);
  }
  for (const name of HANDED_ON_FROM_THE_SHELL) names.delete(name);
  return { names, computed };
}

/**
 * Every variable the configuration readers look at when given an environment in which every vendor
 * has a base URL (so each vendor's credentials are read too): recorded by the environment object
 * itself, so names computed at run time (`GREENARROW_TIMEOUT_MS`, `SIM_ENGAGEMENT_PORT`) are caught.
 */
function variablesReadAtRunTime(): Set<string> {
  const seen = new Set<string>();
  const given: Env = Object.fromEntries(SOURCES.map((source) => [`${source}_BASE_URL`, 'http://127.0.0.1:9']));
  const recording = new Proxy(given, {
    get(target, key) {
      if (typeof key === 'string') seen.add(key);
      return Reflect.get(target, key) as unknown;
    },
  });
  const attempt = (load: () => unknown) => {
    try {
      load();
    } catch {
      // The credentials are missing on purpose: reading them is what is recorded.
    }
  };
  attempt(() => loadConfig(recording));
  attempt(() => loadSimulatorConfig(recording));
  attempt(() => demoAuthEnv(recording));
  return seen;
}

/** The spellings under which docs/configuration.md may name a variable: itself, or with its vendor written `<VENDOR>`. */
function documentedSpellings(name: string): string[] {
  const spellings = [name];
  for (const source of SOURCES) {
    const generic = name.replace(new RegExp(`(^|_)${source}(_|$)`), '$1<VENDOR>$2');
    if (generic !== name) spellings.push(generic);
  }
  return spellings;
}

/** Whether `text` names `spelling` as a whole word (`VENDOR_QUEUE` is not found inside `<VENDOR>_QUEUE`). */
function names(text: string, spelling: string): boolean {
  const escaped = spelling.replace(/[.*+?^${}()|[\]\\<>]/g, '\\$&');
  return new RegExp(`(?<![A-Za-z0-9_<>])${escaped}(?![A-Za-z0-9_<>])`).test(text);
}

describe(CONFIGURATION, () => {
  const { names: namedInCode, computed } = variablesNamedInCode();
  const readAtRunTime = variablesReadAtRunTime();
  const everyVariable = new Set([...namedInCode.keys(), ...readAtRunTime]);
  const configuration = existsSync(join(ROOT, CONFIGURATION)) ? read(join(ROOT, CONFIGURATION)) : '';

  it('finds the variables the code reads (the search itself works)', () => {
    for (const name of ['PORT', 'AUTH_API_KEYS', 'OTEL_TRACES_SAMPLER_ARG', 'SIM_FAULTS', 'CHROMIUM_PATH'])
      expect(namedInCode.has(name)).toBe(true);
    for (const name of [
      'GREENARROW_BASE_URL',
      'VENDOR_BREAKER_THRESHOLD',
      'USER_MANAGEMENT_QUEUE',
      'SIM_RAINMAKER_PORT',
    ])
      expect(readAtRunTime.has(name)).toBe(true);
  });

  it('meets every name the code computes at run time, so none escapes the check', () => {
    const unmet = computed
      .filter(({ pattern }) => ![...everyVariable].some((name) => pattern.test(name)))
      .map(({ where, text }) => `${where}: ${text}`);
    expect(unmet).toEqual([]);
  });

  it('names every environment variable the code reads', () => {
    const undocumented = [...everyVariable]
      .filter((name) => !documentedSpellings(name).some((spelling) => names(configuration, spelling)))
      .map((name) => `${name} (read at ${namedInCode.get(name) ?? 'run time, by a computed name'})`)
      .sort();
    expect(undocumented).toEqual([]);
  });

  it('lists no variable in its tables that the code no longer reads', () => {
    const listed = proseLines(configuration)
      .map(({ text }) => /^\|\s*(.*?)\s*\|/.exec(text)?.[1] ?? '')
      .flatMap((cell) => [...cell.matchAll(/`([A-Z<][A-Z0-9_<>]*)`/g)].map((match) => match[1]))
      .filter((name) => /^[A-Z<][A-Z0-9_<>]*$/.test(name) && /[A-Z]/.test(name));
    expect(listed.length).toBeGreaterThan(0);
    const stale = listed.filter((spelling) => {
      const expansions = spelling.includes('<VENDOR>')
        ? SOURCES.map((source) => spelling.replace('<VENDOR>', source))
        : [spelling];
      return !expansions.some((name) => everyVariable.has(name));
    });
    expect(stale).toEqual([]);
  });
});
