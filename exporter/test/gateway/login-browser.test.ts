import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import jwt from 'jsonwebtoken';
import type { Browser } from 'playwright-core';
import { ARTIFACTS_DIR, launchChromium } from '../support/chromium.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { startTestExporter, testKeys, type TestExporter } from '../support/test-exporter.js';
import { ManualClock, MINUTE } from './support/sessions.js';
import { createAccount, type TestAccount } from '../auth/support/accounts.js';
import { startStandInGrafana, type StandInGrafana } from './support/stand-in-grafana.js';

describe('Grafana login gateway in a real browser', () => {
  let db: TestDatabase;
  let grafana: StandInGrafana;
  let exporter: TestExporter;
  let browser: Browser;
  let monitoring: TestAccount;
  let user: TestAccount;
  // The exporter's session clock: the test moves it past the access-token lifetime.
  const clock = new ManualClock();

  before(async () => {
    db = await createTestDatabase();
    grafana = await startStandInGrafana();
    exporter = await startTestExporter({ pool: db.pool, env: { GRAFANA_URL: grafana.url }, authClock: clock.read });
    [monitoring, user] = await Promise.all([
      createAccount(db.pool, { email: 'noc@kewhats.test', role: 'monitoring', password: 'monitoring-pass-123' }),
      createAccount(db.pool, { email: 'shopkeeper@kewhats.test', role: 'user', password: 'user-pass-123' }),
    ]);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await exporter?.close();
    await grafana?.close();
    await db?.drop();
  });

  it('signs a monitoring user in and lands on Grafana with a monitoring token', { timeout: 60_000 }, async () => {
    const context = await browser.newContext({ viewport: { width: 1100, height: 760 } });
    const page = await context.newPage();
    const consoleProblems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') consoleProblems.push(message.text());
    });
    try {
      // A signed-out visit to a dashboard ends on the sign-in page, remembering where it was going.
      await page.goto(`${exporter.url}/d/sales-overview?orgId=1`);
      assert.equal(new URL(page.url()).pathname, '/login');
      assert.equal(new URL(page.url()).searchParams.get('next'), '/d/sales-overview?orgId=1');
      assert.equal(grafana.requests.length, 0, 'nothing reached Grafana while signed out');

      // The page is styled (its stylesheet passed the CSP) and nothing was blocked or failed.
      await page.getByLabel('Email').waitFor();
      // (Browser-side code as strings: this project compiles without the DOM typings.)
      const buttonColour = await page.evaluate('getComputedStyle(document.querySelector("button[type=submit]")).backgroundColor');
      assert.equal(buttonColour, 'rgb(37, 211, 102)');
      assert.deepEqual(consoleProblems, []);
      mkdirSync(ARTIFACTS_DIR, { recursive: true });
      await page.screenshot({ path: `${ARTIFACTS_DIR}login-page.png`, fullPage: true });

      await page.getByLabel('Email').fill(monitoring.email);
      await page.getByLabel('Password').fill(monitoring.password);
      await Promise.all([page.waitForURL(`${exporter.url}/d/sales-overview?orgId=1`), page.getByRole('button', { name: 'Sign in' }).click()]);

      // The stand-in Grafana shows the path it was asked for and the role in the JWT it got.
      assert.equal(await page.locator('#path').textContent(), '/d/sales-overview?orgId=1');
      assert.equal(await page.locator('#role').textContent(), 'monitoring');
      const assertion = (await page.locator('#assertion').textContent())!;
      const claims = JSON.parse(Buffer.from(assertion.split('.')[1]!, 'base64url').toString('utf8')) as { role: string; sub: string; iat: number };
      assert.equal(claims.role, 'monitoring');
      assert.equal(claims.sub, monitoring.id);

      // The session cookie is out of reach of page scripts.
      const [session] = (await context.cookies()).filter((cookie) => cookie.name === 'kewhats_session');
      assert.ok(session);
      assert.equal(session.httpOnly, true);
      assert.equal(session.sameSite, 'Lax');
      assert.equal(await page.evaluate('document.cookie.includes("kewhats_session")'), false);

      // An hour later (four access-token lifetimes) the open page still reloads signed in, and
      // Grafana gets a new token, valid at that moment.
      clock.advance(60 * MINUTE);
      await page.reload();
      assert.equal(new URL(page.url()).pathname, '/d/sales-overview');
      assert.equal(await page.locator('#role').textContent(), 'monitoring');
      const renewed = (await page.locator('#assertion').textContent())!;
      assert.notEqual(renewed, assertion);
      const renewedClaims = jwt.verify(renewed, testKeys().publicKey, {
        algorithms: ['RS256'],
        clockTimestamp: Math.floor(clock.read() / 1000),
      }) as jwt.JwtPayload;
      assert.equal(renewedClaims.sub, monitoring.id);
      assert.ok(renewedClaims.iat! * 1000 > claims.iat * 1000 + 45 * MINUTE);

      // Signing out asks first, then returns to the sign-in page, and Grafana is closed again.
      await page.goto(`${exporter.url}/logout`);
      assert.equal(new URL(page.url()).pathname, '/logout');
      await page.getByRole('heading', { name: 'Sign out' }).waitFor();
      await page.screenshot({ path: `${ARTIFACTS_DIR}logout-page.png`, fullPage: true });
      await Promise.all([page.waitForURL(`${exporter.url}/login`), page.getByRole('button', { name: 'Sign out' }).click()]);
      const seen = grafana.requests.length;
      await page.goto(`${exporter.url}/d/sales-overview`);
      assert.equal(new URL(page.url()).pathname, '/login');
      assert.equal(grafana.requests.length, seen);
      assert.deepEqual(consoleProblems, []);
    } finally {
      await context.close();
    }
  });

  it('keeps an ordinary user on the sign-in page with a clear message', { timeout: 60_000 }, async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      await page.goto(`${exporter.url}/login`);
      await page.getByLabel('Email').fill(user.email);
      await page.getByLabel('Password').fill(user.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('alert').waitFor();
      assert.match((await page.getByRole('alert').textContent())!, /no access to KeWhats Monitoring/);
      assert.equal(new URL(page.url()).pathname, '/login');
      assert.deepEqual(
        (await context.cookies()).filter((cookie) => cookie.name === 'kewhats_session'),
        [],
      );
    } finally {
      await context.close();
    }
  });
});
