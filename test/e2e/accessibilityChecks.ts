import type { Locator, Page } from '@playwright/test';
import type { Result, RunOptions } from 'axe-core';
import { axeViolations } from './axeInPage';
import { faintControlEdges } from './controlEdges.browser';
import { expect } from './fixtures';

/** WCAG 2.0 and 2.1, levels A and AA: what the app must meet. axe's best-practice, AAA and 2.2 rules are not asked for. */
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/** Landmark and heading structure: axe files these under best practice, not WCAG, so they are asked for by name. */
const STRUCTURE_RULES = [
  'landmark-one-main',
  'landmark-no-duplicate-banner',
  'landmark-no-duplicate-contentinfo',
  'landmark-no-duplicate-main',
  'landmark-unique',
  'landmark-banner-is-top-level',
  'landmark-contentinfo-is-top-level',
  'landmark-main-is-top-level',
  'page-has-heading-one',
  'heading-order',
  'empty-heading',
  'region',
];

/** The WCAG rules plus the structure rules, in one axe run (a rule enabled by name runs beside the tagged ones). */
const WCAG_AND_STRUCTURE: RunOptions = {
  runOnly: { type: 'tag', values: WCAG_TAGS },
  rules: Object.fromEntries(STRUCTURE_RULES.map((id) => [id, { enabled: true }])),
};

/** The WCAG rules alone: the structure is the same markup in either colour scheme, so it is checked once. */
const WCAG_ONLY: RunOptions = { runOnly: { type: 'tag', values: WCAG_TAGS } };

/**
 * A screen the first time a test reaches it: the whole page, axe's page-level rules and the landmark and heading
 * structure included. Run it once per distinct screen; for a state of that screen, check the region that changed
 * with {@link expectRegionAccessible}.
 */
export async function expectScreenAccessible(page: Page, screen: string): Promise<void> {
  await expectAccessible(page, null, screen);
}

/**
 * A state of a screen already checked whole: only `region`, the part that changed (a form showing its errors, the
 * sidebar after a search), with the same rules, so each state costs a fraction of a whole-page run.
 */
export async function expectRegionAccessible(region: Locator, state: string): Promise<void> {
  await expectAccessible(region.page(), region, state);
}

/**
 * In the light and then the dark colour scheme (the stylesheet has a dark palette, so contrast is checked in each):
 * no serious or critical WCAG A/AA violation, no form control whose edge is below 3:1, and — once, in light — no
 * landmark or heading structure violation of any impact. Leaves the page in the light scheme.
 */
async function expectAccessible(page: Page, region: Locator | null, what: string): Promise<void> {
  const root = region ?? page.locator('html');
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    const violations = await axeViolations(page, region, colorScheme === 'light' ? WCAG_AND_STRUCTURE : WCAG_ONLY);
    const structure = violations.filter((violation) => STRUCTURE_RULES.includes(violation.id));
    const blocking = violations.filter(
      (violation) => !STRUCTURE_RULES.includes(violation.id) && (violation.impact === 'serious' || violation.impact === 'critical'),
    );
    expect(describeViolations(blocking), `${what} (${colorScheme} scheme): axe's serious and critical WCAG A/AA violations`).toEqual([]);
    expect(describeViolations(structure), `${what}: landmark and heading structure`).toEqual([]);
    expect(await root.evaluate(faintControlEdges), `${what} (${colorScheme} scheme): form controls whose edge is below 3:1`).toEqual([]);
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

/** One line per failing node: what a developer needs to find and fix it. */
function describeViolations(violations: readonly Result[]): string[] {
  return violations.flatMap((violation) =>
    violation.nodes.map((node) => {
      const why = node.failureSummary?.replace(/\s+/g, ' ') ?? '';
      return `${violation.id} (${violation.impact ?? 'no impact'}) at ${node.target.join(' ')}: ${violation.help} — ${why} [${violation.helpUrl}]`;
    }),
  );
}
