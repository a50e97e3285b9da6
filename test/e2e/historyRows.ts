import type { Page } from '@playwright/test';

/**
 * Every row of the page's history (sessions and turns), read straight from IndexedDB with no app code: what is
 * really on disk, for the specs that check it.
 */
export function readHistoryRows(page: Page): Promise<Record<string, unknown>[]> {
  return page.evaluate(
    () =>
      new Promise<Record<string, unknown>[]>((resolve, reject) => {
        const request = indexedDB.open('ClinicHistory');
        request.onerror = () => reject(request.error);
        request.onsuccess = () => {
          const tx = request.result.transaction(['sessions', 'turns'], 'readonly');
          const sessions = tx.objectStore('sessions').getAll();
          const turns = tx.objectStore('turns').getAll();
          tx.oncomplete = () => {
            request.result.close();
            resolve([...sessions.result, ...turns.result]);
          };
        };
      }),
  );
}
