import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/** Debian's Chromium (`apt-get install -y chromium`); RESIDUAL_CHROMIUM points elsewhere. */
export const CHROMIUM_PATH = process.env.RESIDUAL_CHROMIUM ?? '/usr/bin/chromium';

/**
 * CI (`bash .ci/run`) installs Chromium and sets RESIDUAL_REQUIRE_BROWSER=1: there a missing
 * Chromium fails the tests. Elsewhere (a contributor's machine with only Node.js and npm, where
 * the README's test command must pass) they are skipped with a loud warning when Chromium is
 * missing, or when RESIDUAL_SKIP_BROWSER_TESTS=1 asks for it.
 */
const REQUIRE_BROWSER = process.env.RESIDUAL_REQUIRE_BROWSER === '1';
const CHROMIUM_MISSING = !existsSync(CHROMIUM_PATH);

export const SKIP_BROWSER_TESTS =
  process.env.RESIDUAL_SKIP_BROWSER_TESTS === '1' || (CHROMIUM_MISSING && !REQUIRE_BROWSER);

if (SKIP_BROWSER_TESTS) {
  console.warn(
    `The docs browser tests are SKIPPED (${CHROMIUM_MISSING ? `no Chromium at ${CHROMIUM_PATH}` : 'RESIDUAL_SKIP_BROWSER_TESTS=1'}): ` +
      'the site is not tested. Install Chromium (apt-get install -y chromium) to run them; CI does.',
  );
}

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}. The docs browser tests drive Debian's Chromium: ` +
        'install it with `apt-get install -y chromium` (bash .ci/run does), or set ' +
        'RESIDUAL_CHROMIUM to a Chromium binary. RESIDUAL_REQUIRE_BROWSER=1 (set by CI) makes ' +
        'a missing Chromium an error.',
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
