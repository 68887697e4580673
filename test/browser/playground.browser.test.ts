import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { bootGateway, type BootedGateway } from '../helpers/gateway';

/**
 * The offline playground in a real headless Chromium: it renders, runs its example query against
 * the gateway, and never asks anything of another origin (no CDN, no font service), with the
 * page's Content-Security-Policy reporting no violation. Needs Chromium (`apt-get install chromium`;
 * `.ci/run` installs it); CHROMIUM_PATH overrides where it is.
 */
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

describe('the playground in a browser', () => {
  let app: BootedGateway;
  let browser: Browser;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(`No Chromium at ${CHROMIUM}: apt-get install -y chromium, or set CHROMIUM_PATH`);
    app = await bootGateway();
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
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it('renders GraphiQL from this origin only and runs the example query with a token in its Headers tab', async () => {
    const page = await browser.newPage();
    // What a visitor's Headers tab holds once they pasted the admin token the demo logged (GraphiQL reads it from its storage).
    const headers = JSON.stringify({ Authorization: `Bearer ${app.tokens!.admin}` });
    await page.addInitScript(`localStorage.setItem('graphiql:headers', ${JSON.stringify(headers)});`);
    const origin = new URL(app.url).origin;
    const requested: string[] = [];
    const problems: string[] = [];
    page.on('request', (request) => requested.push(request.url()));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('response', (answer) => {
      if (answer.status() >= 400) problems.push(`HTTP ${answer.status()} for ${answer.url()}`);
    });

    const response = await page.goto(app.url);
    expect(response?.status()).toBe(200);
    await page.locator('.graphiql-execute-button').click();
    const result = page.locator('.graphiql-response');
    await result.getByText('"Ada Lovelace"').waitFor();
    // The editor renders only the lines in view: the top of the answer is what can be read.
    const text = await result.innerText();
    expect(text).toMatch(/^\{\s*"data": \{\s*"user": \{\s*"id": "usr_/);
    expect(text).not.toContain('"errors"');

    expect(requested.filter((url) => !url.startsWith(`${origin}/`) && !url.startsWith('data:'))).toEqual([]);
    expect(requested).toEqual(expect.arrayContaining([app.url, `${origin}/playground/graphiql.min.js`]));
    expect(problems).toEqual([]);
    await page.close();
  });

  it("offers the demo's tokens itself: the example query runs with nothing pasted, and the viewer's is a click away", async () => {
    const page = await browser.newPage();
    await page.goto(app.url);
    const notice = page.locator('[data-notice="demo-tokens"]');
    await notice.getByText('the admin token (may query and mutate)').waitFor();
    await page.locator('.graphiql-execute-button').click();
    await page.locator('.graphiql-response').getByText('"Ada Lovelace"').waitFor();
    await notice.getByRole('button', { name: 'Use the viewer token' }).click();
    await notice.getByText('the viewer token (may only query)').waitFor();
    expect(await page.locator('.graphiql-editor-tool').innerText()).toContain(app.tokens!.viewer.slice(0, 40));
    await page.close();
  });

  it('says when the demo restarted and its tokens changed, and offers the new ones', async () => {
    const first = await bootGateway();
    let second: BootedGateway | undefined;
    try {
      const page = await browser.newPage();
      await page.goto(first.url);
      await page.locator('[data-notice="demo-tokens"]').waitFor();
      const port = new URL(first.url).port;
      await first.stop();
      second = await bootGateway({ PORT: port });
      await page.locator('.graphiql-execute-button').click();
      const restarted = page.locator('[data-notice="demo-restarted"]');
      await restarted.getByText('The demo restarted at').waitFor();
      await restarted.getByRole('button', { name: 'Use the new admin token' }).click();
      await page.locator('.graphiql-execute-button').click();
      await page.locator('.graphiql-response').getByText('"Ada Lovelace"').waitFor();
      expect(await page.locator('.graphiql-editor-tool').innerText()).toContain(second.tokens!.admin.slice(0, 40));
      await page.close();
    } finally {
      await first.stop();
      await second?.stop();
    }
  });

  it('with introspection off, says so naming GRAPHQL_INTROSPECTION and asks for no schema', async () => {
    const closed = await bootGateway({ GRAPHQL_INTROSPECTION: 'false' });
    try {
      const page = await browser.newPage();
      const bodies: string[] = [];
      page.on('request', (request) => bodies.push(request.postData() ?? ''));
      await page.goto(closed.url);
      const notice = page.locator('[data-notice="introspection-off"]');
      await notice.waitFor();
      expect(await notice.innerText()).toContain('GRAPHQL_INTROSPECTION');
      await page.locator('.graphiql-execute-button').click();
      await page.locator('.graphiql-response').getByText('"Ada Lovelace"').waitFor();
      expect(bodies.filter((body) => body.includes('__schema'))).toEqual([]);
      expect(await page.content()).not.toContain('introspection: true');
      await page.close();
    } finally {
      await closed.stop();
    }
  });
});
