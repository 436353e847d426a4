import type { Browser } from 'playwright-core';

/** Debian's Chromium, or RESIDUAL_CHROMIUM. */
export declare const CHROMIUM_PATH: string;
/** Why browser tests skip here, or undefined; throws under RESIDUAL_REQUIRE_BROWSER=1. */
export declare function chromiumSkipReason(): string | undefined;
/** Headless Chromium through Playwright. */
export declare function launchChromium(): Promise<Browser>;
/** How long a test page may take to load (the suite shares two cores under CI). */
export declare const PAGE_LOAD_TIMEOUT_MS: number;
/** What `window.result` of the HTML file at htmlPath settles to, in a fresh headless Chromium. */
export declare function pageResult(htmlPath: string): Promise<unknown>;
