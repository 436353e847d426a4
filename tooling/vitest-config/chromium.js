// The one browser harness of the repository's tests: Playwright (playwright-core, which never
// downloads a browser) driving Debian's Chromium (`apt-get install -y chromium`, as .ci/run
// does), or the Chromium RESIDUAL_CHROMIUM points to.
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { peerSkipReason } from './peer.js';

export const CHROMIUM_PATH = process.env.RESIDUAL_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Why browser tests skip here (printed once), or undefined when Chromium is installed; throws
 * under RESIDUAL_REQUIRE_BROWSER=1 (set by .ci/run) when it is missing.
 */
export function chromiumSkipReason() {
  return peerSkipReason({
    peer: 'Chromium',
    missing: existsSync(CHROMIUM_PATH) ? undefined : `no Chromium at ${CHROMIUM_PATH}`,
    requireEnv: 'RESIDUAL_REQUIRE_BROWSER',
    requiredInCi: false,
    hint: 'Install it with `apt-get install -y chromium` (or set RESIDUAL_CHROMIUM).',
  });
}

/** Starts headless Chromium: no sandbox (tests may run as root), a fresh profile, no network. */
export async function launchChromium() {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}: install it with \`apt-get install -y chromium\` ` +
        '(bash .ci/run does), or set RESIDUAL_CHROMIUM to a Chromium binary.',
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
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
}

/**
 * How long a test page may take to load. Playwright's default (30 s) is too short when the
 * whole test suite shares two cores: a page that inlines tfjs parses megabytes of script, and
 * CI has failed on exactly that. The test's own timeout still bounds the wait.
 */
export const PAGE_LOAD_TIMEOUT_MS = 150_000;

/**
 * Opens the HTML file at `htmlPath` in a fresh headless Chromium and returns what the page's
 * `window.result` (a value or a promise) settles to. The wait is on the page's own promise,
 * never on a timer; the browser is closed whatever happens.
 */
export async function pageResult(htmlPath) {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto(`file://${htmlPath}`, { timeout: PAGE_LOAD_TIMEOUT_MS });
    return await page.evaluate('window.result');
  } finally {
    await browser.close();
  }
}
