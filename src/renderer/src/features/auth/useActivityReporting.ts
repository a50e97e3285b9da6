import { useEffect } from 'react';
import { watchActivity } from '../../lib/activity';
import { useAppStore } from '../../stores/appStore';

/**
 * Reports the clinician's keys, clicks and wheel turns to main for the idle logoff, through the store's
 * throttled `reportActivity` (which ignores them while locked). Mount once, at the top of the app.
 */
export function useActivityReporting(): void {
  const reportActivity = useAppStore((s) => s.reportActivity);
  useEffect(() => watchActivity(window, reportActivity), [reportActivity]);
}
