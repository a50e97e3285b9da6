/**
 * Tells zod not to compile validators with `new Function`. Under the page's CSP (no 'unsafe-eval') zod would
 * otherwise probe for eval on its first parse, and Chromium reports that probe as a CSP violation in the console,
 * which hides real violations. Import this before anything parses (main.tsx imports it first).
 */
import { z } from 'zod';

z.config({ jitless: true });
