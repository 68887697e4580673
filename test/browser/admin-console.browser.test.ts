import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { seedPeople } from '../../src/simulators/kit/seed';
import { bootGateway, vendorCalls, type BootedGateway } from '../helpers/gateway';
import { serveStaticSite, type StaticSite } from '../helpers/static-site';

/**
 * The reference admin console (examples/admin-console), as `npm run test:browser` builds it, in a
 * real headless Chromium against the gateway in PERSISTED_OPERATIONS=require mode with the
 * console's own manifest: the console is served from another origin (listed in CORS_ORIGINS) and
 * sends only hashes. An operator signs in with the demo's admin token, finds a person with their
 * four identities, changes a permission and reads what each vendor did, tries to create a person
 * with a username already taken and reads the error at that field, creates them properly and
 * deletes them after confirming; a viewer sees no write button. Screenshots go to
 * artifacts/screenshots/ (SCREENSHOTS_DIR overrides), kept by CI.
 */
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const EXAMPLE = resolve(__dirname, '../../examples/admin-console');
const MANIFEST = join(EXAMPLE, 'src/gql/persisted-documents.json');
const SCREENSHOTS = resolve(process.env['SCREENSHOTS_DIR'] ?? join(__dirname, '../../artifacts/screenshots'));
const ADA = seedPeople()[0];

describe('the admin console in a browser, against a gateway that runs trusted documents only', () => {
  let site: StaticSite;
  let app: BootedGateway;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];
  const sentDocuments: string[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(`No Chromium at ${CHROMIUM}: apt-get install -y chromium, or set CHROMIUM_PATH`);
    if (!existsSync(join(EXAMPLE, 'dist/index.html')) || !existsSync(MANIFEST))
      throw new Error('The admin console is not built: npm run test:browser builds it (npm run example:build)');
    mkdirSync(SCREENSHOTS, { recursive: true });
    site = await serveStaticSite(join(EXAMPLE, 'dist'));
    app = await bootGateway({
      PERSISTED_OPERATIONS: 'require',
      PERSISTED_OPERATIONS_MANIFEST: MANIFEST,
      CORS_ORIGINS: site.origin,
    });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      chromiumSandbox: false,
      args: [
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('request', (request) => {
      if (!request.url().startsWith(app.url)) return;
      const url = new URL(request.url());
      if (url.searchParams.has('query')) sentDocuments.push(url.searchParams.get('query')!);
      const body = request.postData();
      if (body !== null && (JSON.parse(body) as { query?: string }).query !== undefined) sentDocuments.push(body);
    });
    page.on('response', async (answer) => {
      if (!answer.url().startsWith(app.url) || answer.request().method() === 'OPTIONS') return;
      const text = await answer.text().catch(() => '');
      // A viewer's token is refused the admins' operations log (403 FORBIDDEN): how the console learns the role.
      const roleProbe = answer.status() === 403 && text.includes('"path":["operations"]');
      if (
        (answer.status() >= 400 && !roleProbe) ||
        text.includes('DOCUMENT_NOT_IN_MANIFEST') ||
        text.includes('PERSISTED_QUERY')
      )
        problems.push(`HTTP ${answer.status()} ${text}`);
    });
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await site?.close();
  });

  async function signIn(token: string): Promise<void> {
    await page.goto(site.origin);
    await page.getByLabel('Gateway URL').fill(app.url);
    await page.getByLabel('Token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  async function openAda(): Promise<void> {
    await page.getByLabel('Search people by email').fill('lovelace');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page
      .getByRole('button', { name: /Ada Lovelace/ })
      .filter({ hasText: ADA.email })
      .click();
    await page.getByRole('table').locator('tbody tr').nth(3).waitFor();
  }

  it('signs in with the demo admin token and shows a person across the four vendors with the sources’ health', async () => {
    await signIn(app.tokens!.admin);
    await page.getByTestId('role').getByText('Admin').waitFor();
    await page.locator('.source-up').nth(3).waitFor();
    await openAda();
    const rows = page.getByRole('table').locator('tbody tr');
    expect(await rows.count()).toBe(4);
    expect(await rows.allInnerTexts()).toEqual([
      expect.stringContaining('RainMaker'),
      expect.stringContaining('Engagement'),
      expect.stringContaining('GreenArrow'),
      expect.stringContaining('User management'),
    ]);
    await page.screenshot({ path: join(SCREENSHOTS, '1-person-with-four-identities.png'), fullPage: true });
  });

  it('changes a permission and shows what each vendor did', async () => {
    await page.getByLabel('API').selectOption('FULL');
    await page.getByRole('button', { name: 'Save permissions' }).click();
    const outcome = page.getByRole('region', { name: 'Permissions saved: what each vendor did' });
    await outcome.locator('.result').first().waitFor();
    expect(await outcome.locator('.result').allInnerTexts()).toContainEqual('GreenArrow: succeeded');
    await page.screenshot({ path: join(SCREENSHOTS, '2-permissions-per-vendor-results.png'), fullPage: true });
  });

  it('shows a refused create’s error at the field it is about, then creates and deletes the person after confirming', async () => {
    await page.getByRole('button', { name: 'New person' }).click();
    const form = page.getByRole('region', { name: 'New person' });
    await form.getByLabel('Email').fill('grace.console@example.com');
    await form.getByLabel('Username').fill(ADA.username);
    await form.getByLabel('First name').fill('Grace');
    await form.getByLabel('Last name').fill('Console');
    await form.getByLabel('Password').fill('a-long-enough-Passw0rd');
    await form.getByRole('button', { name: 'Create at every vendor' }).click();
    const fieldError = page.locator('#username-problem');
    await fieldError.waitFor();
    expect(await fieldError.innerText()).toBe('User-management already has a user with this username');
    expect(await form.getByLabel('Username').getAttribute('aria-invalid')).toBe('true');
    await page.screenshot({ path: join(SCREENSHOTS, '3-create-field-error.png'), fullPage: true });

    await form.getByLabel('Username').fill('grace.console');
    await form.getByRole('button', { name: 'Create at every vendor' }).click();
    await page.getByRole('heading', { name: 'Grace Console', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Delete person' }).click();
    const confirm = page.getByRole('alertdialog', { name: 'Confirm deletion' });
    await confirm.getByRole('button', { name: 'Yes, delete Grace Console' }).click();
    const deleted = page.getByRole('region', { name: 'Deleted Grace Console' });
    await deleted.locator('.result').first().waitFor();
    expect(await deleted.locator('.result').count()).toBe(4);
    expect(await deleted.locator('.result-succeeded').count()).toBe(4);
    await page.screenshot({ path: join(SCREENSHOTS, '4-deleted-per-vendor-results.png'), fullPage: true });
  });

  it('shows admins the reconciliation report', async () => {
    await page.getByRole('button', { name: 'Reconciliation report' }).click();
    await page.getByRole('heading', { name: 'Reconciliation report' }).waitFor();
    await page.getByRole('heading', { name: /^Missing at a vendor/ }).waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, '5-reconciliation-report.png'), fullPage: true });
  });

  it('shows a viewer the same person with no button that writes', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn(app.tokens!.viewer);
    await page.getByTestId('role').getByText('Viewer').waitFor();
    await openAda();
    for (const name of ['Save permissions', 'Delete person', 'New person', 'Reconciliation report'])
      expect([name, await page.getByRole('button', { name }).count()]).toEqual([name, 0]);
    expect(await page.getByLabel('API').isDisabled()).toBe(true);
    await page.screenshot({ path: join(SCREENSHOTS, '6-viewer-reads-only.png'), fullPage: true });
  });

  it('sent only hashes, and the gateway refused nothing', () => {
    expect(sentDocuments).toEqual([]);
    expect(problems).toEqual([]);
    expect(Object.keys(vendorCalls(app)).length).toBeGreaterThan(0);
  });
});
