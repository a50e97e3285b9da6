import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { SyncStatus } from '../../../../shared/sync/status';
import { SyncStatusView } from './SyncStatusView';

const OFFLINE: SyncStatus = { state: 'offline', pending: 2, lastSyncedAt: '2026-12-02T13:05:00.000Z', message: 'The sync server cannot be reached.' };
const html = (status: SyncStatus, running = false, error: string | null = null, announcement = ''): string =>
  renderToStaticMarkup(
    <SyncStatusView
      status={status}
      error={error}
      running={running}
      onSyncNow={() => undefined}
      now={new Date('2026-12-02T15:00:00.000Z')}
      timeZone="UTC"
      announcement={announcement}
    />,
  );

describe('SyncStatusView', () => {
  it('shows the state beside a "Sync now" button, and announces changes politely in a separate live region', () => {
    const line = html(OFFLINE, false, null, 'Sync offline: work goes on here and is sent later');
    expect(line).toContain('<span data-testid="sync-status">Offline since 13:05 (2 waiting)</span>');
    expect(line).toContain(
      '<span class="visually-hidden" role="status" data-testid="sync-announcement">Sync offline: work goes on here and is sent later</span>',
    );
    expect(line).toContain('<button type="button" class="button-quiet">Sync now</button>');
    expect(line).toContain('data-sync-state="offline"');
  });

  it('keeps "Sync now" focusable but unavailable while its cycle runs, and says it is syncing', () => {
    const line = html({ ...OFFLINE, state: 'synced', pending: 0 }, true);
    expect(line).toContain('<button type="button" class="button-quiet" aria-disabled="true">Sync now</button>');
    expect(line).not.toContain('disabled=""');
    expect(line).toContain('Syncing (0 waiting)');
  });

  it('hides its colour dot from assistive technology (the text says it all)', () => {
    expect(html(OFFLINE)).toContain('<span class="llm-status-dot llm-status-offline" aria-hidden="true"></span>');
  });
});
