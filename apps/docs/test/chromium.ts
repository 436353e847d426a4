import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/** Debian's Chromium (`apt-get install -y chromium`); RESIDUAL_CHROMIUM points elsewhere. */
export const CHROMIUM_PATH = process.env.RESIDUAL_CHROMIUM ?? '/usr/bin/chromium';

/**
 * The browser tests are skipped only when asked to: RESIDUAL_SKIP_BROWSER_TESTS=1. A missing
 * Chromium otherwise fails them, so a machine without it cannot pass them silently.
 */
export const SKIP_BROWSER_TESTS = process.env.RESIDUAL_SKIP_BROWSER_TESTS === '1';

if (SKIP_BROWSER_TESTS) {
  console.warn(
    'RESIDUAL_SKIP_BROWSER_TESTS=1: the docs browser tests are SKIPPED; the site is not tested.',
  );
}

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}. The docs browser tests drive Debian's Chromium: ` +
        'install it with `apt-get install -y chromium` (bash .ci/run does), or set ' +
        'RESIDUAL_CHROMIUM to a Chromium binary. To skip these tests knowingly, set ' +
        'RESIDUAL_SKIP_BROWSER_TESTS=1.',
    );
  }
  // Playwright starts it headless, without the sandbox (we may run as root) and with a fresh,
  // temporary --user-data-dir; the flags keep it off the network, which is closed here anyway.
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
