import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Locator, Page } from '@playwright/test';
import type axe from 'axe-core';
import type { Result, RunOptions } from 'axe-core';

/**
 * axe-core's minified build: half the size of `axe.source` (the unminified build), so half the bytes sent to the
 * page and parsed there, which is most of what an injection costs.
 */
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** The page's global object once axe-core's source has run in it. */
interface WindowWithAxe {
  axe: typeof axe;
}

/**
 * Runs axe-core in the page, over `scope` (a region of it) or the whole document, and returns the violations.
 *
 * axe is injected once per document and reused, instead of through `AxeBuilder.analyze()`, which evaluates axe's
 * 1.3 MB source twice per call and opens a blank page per call to merge results across frames: on this 2-core
 * machine kind that was about 2.5 s per call against about 0.2 s here, and it is what made the accessibility specs
 * time out under load. The cost of merging across frames buys nothing here because the app draws no frames; a page
 * that has some is refused rather than checked only in part.
 */
export async function axeViolations(page: Page, scope: Locator | null, options: RunOptions): Promise<Result[]> {
  if (page.frames().length > 1) {
    throw new Error(`axe runs in the main frame only, but the page has ${page.frames().length} frames: check each frame too`);
  }
  await injectAxeOnce(page);
  const onlyViolations: RunOptions = { ...options, resultTypes: ['violations'] };
  // The whole document (not its <html> element) so that axe's page-level rules, such as "bypass", run too.
  const results =
    scope === null
      ? await page.evaluate((runOptions) => (window as unknown as WindowWithAxe).axe.run(document, runOptions), onlyViolations)
      : await scope.evaluate((region, runOptions) => (window as unknown as WindowWithAxe).axe.run(region, runOptions), onlyViolations);
  return results.violations;
}

/** Evaluates axe's source unless this document already has it (a reload or navigation starts a new document). */
async function injectAxeOnce(page: Page): Promise<void> {
  const present = await page.evaluate(() => typeof (window as unknown as Partial<WindowWithAxe>).axe?.run === 'function');
  if (!present) await page.evaluate(AXE_SOURCE);
}
