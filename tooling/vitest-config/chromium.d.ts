import type { Browser } from 'playwright-core';

/** Debian's Chromium, or RESIDUAL_CHROMIUM. */
export declare const CHROMIUM_PATH: string;
/** Why browser tests skip here, or undefined; throws under RESIDUAL_REQUIRE_BROWSER=1. */
export declare function chromiumSkipReason(): string | undefined;
/** Headless Chromium through Playwright. */
export declare function launchChromium(): Promise<Browser>;
