import { MultiBar, Presets, type SingleBar } from 'cli-progress';
import type { Source } from '../domain/types';
import type { ScopeOutcome, ScopeProgress, ScopeWalk } from './record-import';
import type { ReconciliationReport } from './reconciliation';
import type { SyncObserver, SyncPlan, SyncResult } from './run-sync';

/** How the sync speaks: bars on a terminal, JSON lines otherwise. */
export interface SyncReporter extends SyncObserver {
  begin(plan: SyncPlan, dryRun: boolean): void;
  /** The summary, the reconciliation report and the figures of the run; the last thing it says. */
  end(result: SyncResult, report: ReconciliationReport, figures: RunFigures): void;
}

export interface RunFigures {
  elapsedMs: number;
  /** The process's peak resident memory, in kilobytes (`process.resourceUsage().maxRSS`). */
  maxRssKb: number;
  exitCode: number;
}

/** Records a vendor's walks have read, summed over its accounts, with when it started. */
interface VendorTally {
  records: number;
  totals: Map<string, number | null>;
  startedAt: number;
  /** Records resumed from an earlier run: not read now, so not counted in the rate. */
  resumed: number;
}

/**
 * One line of JSON per event on stdout, for logs and scripts: `start`, `progress` (after each
 * page), `waiting`, `finished` (per walk), then `summary` and `reconciliation`.
 */
export class JsonLinesReporter implements SyncReporter {
  constructor(private readonly write: (line: string) => void = (line) => process.stdout.write(line)) {}

  begin(plan: SyncPlan, dryRun: boolean): void {
    this.emit({
      event: 'start',
      dryRun,
      walks: plan.walks.map(({ source, scope, kind }) => ({ source, scope, kind })),
      skipped: plan.skipped,
    });
  }

  progress(progress: ScopeProgress): void {
    const { source, scope, records, total, pages, resumedFrom } = progress;
    this.emit({ event: 'progress', source, scope, records, total, pages, resumedFrom });
  }

  waiting(walk: ScopeWalk, holder: string | null): void {
    this.emit({ event: 'waiting', source: walk.source, scope: walk.scope, holder });
  }

  finished(outcome: ScopeOutcome): void {
    this.emit({ event: 'finished', ...outcome });
  }

  end(result: SyncResult, report: ReconciliationReport, figures: RunFigures): void {
    this.emit({
      event: 'summary',
      dryRun: result.dryRun,
      status: result.status,
      changes: result.changes,
      ambiguous: result.ambiguous,
      keyless: result.keyless,
      ...figures,
    });
    this.emit({ event: 'reconciliation', ...report });
  }

  private emit(event: Record<string, unknown>): void {
    this.write(`${JSON.stringify({ at: new Date().toISOString(), ...event })}\n`);
  }
}

/** A progress bar per vendor (records, rate, time left) while it runs; then a readable summary. */
export class TerminalReporter implements SyncReporter {
  private readonly bars = new MultiBar(
    {
      format: ' {vendor} [{bar}] {value}/{total} records | {rate}/s | {left} left | {state}',
      hideCursor: true,
      clearOnComplete: false,
      stopOnComplete: false,
      stream: process.stdout,
      fps: 5,
    },
    Presets.shades_classic,
  );
  private readonly vendors = new Map<Source, { bar: SingleBar; tally: VendorTally }>();
  private readonly notes: string[] = [];

  constructor(private readonly write: (text: string) => void = (text) => process.stdout.write(text)) {}

  begin(plan: SyncPlan, dryRun: boolean): void {
    if (dryRun) this.write('Dry run: the vendors are read, nothing is written.\n');
    for (const walk of plan.walks) {
      if (this.vendors.has(walk.source)) continue;
      const bar = this.bars.create(0, 0, { vendor: walk.source.padEnd(16), rate: '0', left: '?', state: 'starting' });
      this.vendors.set(walk.source, {
        bar,
        tally: { records: 0, totals: new Map(), startedAt: performance.now(), resumed: 0 },
      });
    }
  }

  progress(progress: ScopeProgress): void {
    const vendor = this.vendors.get(progress.source);
    if (!vendor) return;
    const { tally, bar } = vendor;
    if (progress.pages === 1 && progress.resumedFrom !== null) tally.resumed += progress.resumedFrom;
    tally.totals.set(progress.scope, progress.total);
    const done = [...tally.totals.keys()]
      .filter((scope) => scope !== progress.scope)
      .reduce((sum, scope) => sum + (tally.totals.get(scope) ?? 0), 0);
    tally.records = done + progress.records;
    const total = [...tally.totals.values()].reduce<number>((sum, value) => sum + (value ?? 0), 0);
    const seconds = (performance.now() - tally.startedAt) / 1000;
    const rate = seconds > 0 ? (tally.records - tally.resumed) / seconds : 0;
    const left = rate > 0 && total > tally.records ? `${Math.ceil((total - tally.records) / rate)}s` : '0s';
    bar.setTotal(Math.max(total, tally.records));
    bar.update(tally.records, {
      rate: rate.toFixed(0),
      left,
      state: progress.resumedFrom !== null ? `resumed at ${progress.resumedFrom}` : 'reading',
    });
  }

  waiting(walk: ScopeWalk, holder: string | null): void {
    this.vendors.get(walk.source)?.bar.update({ state: `waiting for ${holder ?? 'another process'}` });
  }

  finished(outcome: ScopeOutcome): void {
    const state = outcome.status === 'FAILED' ? `failed: ${outcome.error?.code}` : outcome.status.toLowerCase();
    this.vendors.get(outcome.source)?.bar.update({ state });
    if (outcome.status === 'FAILED' || outcome.status === 'NOT_FOUND')
      this.notes.push(
        `${outcome.source}${outcome.scope ? ` account ${outcome.scope}` : ''}: ${outcome.error?.message}`,
      );
  }

  end(result: SyncResult, report: ReconciliationReport, figures: RunFigures): void {
    this.bars.stop();
    this.write(summaryText(result, report, figures, this.notes));
  }
}

/** The end of a run in sentences and a few tables, for a person at a terminal. */
export function summaryText(
  result: SyncResult,
  report: ReconciliationReport,
  figures: RunFigures,
  notes: readonly string[] = [],
): string {
  const lines: string[] = [''];
  const verdict = {
    DONE: 'finished',
    INTERRUPTED: 'was interrupted; run it again to resume',
    FAILED: 'finished with failures; run it again to resume',
  }[result.status];
  lines.push(
    `${result.dryRun ? 'Dry run' : 'Sync'} ${verdict} in ${(figures.elapsedMs / 1000).toFixed(1)} s (peak memory ${(figures.maxRssKb / 1024).toFixed(0)} MB, exit code ${figures.exitCode}).`,
  );
  for (const outcome of result.outcomes) {
    const where = outcome.scope === '' ? 'listing' : `account ${outcome.scope}`;
    const resumed = outcome.resumedFrom === null ? '' : ` (resumed at ${outcome.resumedFrom})`;
    lines.push(
      `  ${outcome.source.padEnd(16)} ${where.padEnd(14)} ${String(outcome.records).padStart(8)} records  ${outcome.status}${resumed}`,
    );
  }
  for (const note of notes) lines.push(`  ${note}`);
  const changes = Object.entries(result.changes).filter(([, count]) => count > 0);
  const listed = changes.map(([name, count]) => `${count} ${words(name)}`).join(', ');
  if (result.dryRun) lines.push(changes.length === 0 ? 'It would change nothing.' : `It would change: ${listed}.`);
  else lines.push(changes.length === 0 ? 'No changes.' : `Changes: ${listed}.`);
  if (result.ambiguous > 0) lines.push(`${result.ambiguous} records left unlinked as ambiguous (see below).`);
  if (result.keyless > 0)
    lines.push(`${result.keyless} records have neither an email address nor a mobile number and were not linked.`);
  lines.push('', 'Vendors:');
  for (const source of report.sources) {
    const how = {
      LISTING: 'listed',
      ACCOUNTS: `by account (${source.accounts.join(', ') || 'none read yet'})`,
      NONE: 'cannot be listed: not synced, never judged missing',
    }[source.listedBy];
    const when = source.lastCompleteAt === null ? '' : `, complete at ${source.lastCompleteAt.toISOString()}`;
    lines.push(
      `  ${source.source.padEnd(16)} ${how}, ${source.records} records kept${when}${source.interrupted ? ', a walk is unfinished' : ''}`,
    );
  }
  lines.push(
    '',
    `Reconciliation${result.dryRun ? ' (of the database as it is: a dry run changed nothing)' : ''}: ${report.missingCount} missing, ${report.driftCount} disagreeing fields, ${report.ambiguousCount} ambiguous records.`,
  );
  for (const entry of report.missing)
    lines.push(`  missing   ${entry.email ?? entry.userId} has no record at ${entry.source}`);
  for (const entry of report.drift)
    lines.push(
      `  drift     ${entry.userId} ${entry.field}: ${entry.values.map((value) => `${value.source}=${JSON.stringify(value.value)}`).join(' ')}`,
    );
  for (const entry of report.ambiguous) {
    const why =
      entry.reason === 'MANY_PEOPLE'
        ? `its ${entry.matchedBy} belongs to ${entry.userIds.length} people`
        : `its person already has ${entry.otherRecords.join(', ')} there`;
    lines.push(`  ambiguous ${entry.source} ${entry.externalId} (${entry.email ?? entry.phone ?? 'no key'}): ${why}`);
  }
  const shown = report.missing.length + report.drift.length + report.ambiguous.length;
  const all = report.missingCount + report.driftCount + report.ambiguousCount;
  if (shown < all)
    lines.push(`  … ${all - shown} more: query \`reconciliation\` in the graph (admins), or pass --report-limit.`);
  return `${lines.join('\n')}\n`;
}

/** `usersCreated` → "users created". */
function words(name: string): string {
  return name.replace(/([A-Z])/g, ' $1').toLowerCase();
}
