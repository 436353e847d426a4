import {
  chromiumSkipReason,
  launchChromium,
  PAGE_LOAD_TIMEOUT_MS,
} from '@residual/vitest-config/chromium';

export { launchChromium, PAGE_LOAD_TIMEOUT_MS };

/**
 * CI (`bash .ci/run`) installs Chromium and sets RESIDUAL_REQUIRE_BROWSER=1: there a missing
 * Chromium fails the tests. Elsewhere (a contributor's machine with only Node.js and npm, where
 * the README's test command must pass) they are skipped with the reason printed when Chromium
 * is missing, or when RESIDUAL_SKIP_BROWSER_TESTS=1 asks for it.
 */
function skipBrowserTests(): boolean {
  if (process.env.RESIDUAL_SKIP_BROWSER_TESTS === '1') {
    console.warn(
      'SKIPPED (the docs browser tests: RESIDUAL_SKIP_BROWSER_TESTS=1): the site is not tested.',
    );
    return true;
  }
  return chromiumSkipReason() !== undefined;
}

export const SKIP_BROWSER_TESTS = skipBrowserTests();
