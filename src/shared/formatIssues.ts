import type { z } from 'zod';

/**
 * One sentence per problem, each naming its field (`patient.vitals.spo2: SpO2 cannot be above 100 %`).
 * Zod's messages state the rule, not the value, so no patient data is echoed back or logged.
 */
export function formatIssues(error: z.ZodError, maxIssues = 8): string {
  const sentences = error.issues.slice(0, maxIssues).map((issue) => {
    const path = issue.path.map((part) => (typeof part === 'number' ? `[${part}]` : String(part))).join('.');
    return path ? `${path}: ${issue.message}` : issue.message;
  });
  const more = error.issues.length > maxIssues ? ` (and ${error.issues.length - maxIssues} more)` : '';
  return `${sentences.join('; ')}${more}`;
}
