import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { HistoryEntry } from '../../stores/history/historyEntry';
import { KEY_NOT_HERE_ROW, ROLLED_BACK_ROW } from './format';
import { SessionRow, UNSYNCED_MARKER, UNTITLED_ROW } from './SessionRow';

const ID = '3f2b8c1e-9d4a-4b7e-8f1a-2c3d4e5f6a7b';
const entry = (change: Partial<HistoryEntry>): HistoryEntry => ({
  sessionId: ID,
  createdAt: '2026-01-01T08:00:00.000Z',
  updatedAt: '2026-01-01T08:00:00.000Z',
  status: 'complete',
  title: 'Chest pain',
  turnCount: 2,
  sessionState: 'answered',
  patientLine: null,
  problem: null,
  ...change,
});
const html = (shown: HistoryEntry, snippet?: string): string =>
  renderToStaticMarkup(<SessionRow entry={shown} index={0} shown={false} opening={false} onOpen={() => undefined} snippet={snippet} />);

describe('SessionRow', () => {
  it('says under a session whose key is not on this workstation that it cannot be opened here, and describes the button with it', () => {
    const row = html(entry({ title: null, problem: 'key-missing' }));
    expect(row).toContain(`aria-label="${UNTITLED_ROW}"`);
    expect(row).toContain(`<span id="session-row-problem-${ID}" class="session-row-snippet session-row-problem" data-testid="session-row-problem">${KEY_NOT_HERE_ROW}</span>`);
    expect(row).toContain(`aria-describedby="session-row-problem-${ID} session-row-details-${ID}"`);
    expect(row).toContain('data-problem="key-missing"');
  });

  it('puts the integrity warning in place of a search excerpt', () => {
    const row = html(entry({ problem: 'rolled-back' }), '…chest pain…');
    expect(row).toContain(ROLLED_BACK_ROW);
    expect(row).not.toContain('…chest pain…');
  });

  it('shows the excerpt, and no problem line, for a session that opens', () => {
    const row = html(entry({}), '…chest pain…');
    expect(row).toContain('…chest pain…');
    expect(row).not.toContain('data-problem');
    expect(row).not.toContain('session-row-problem');
  });

  it('says "Not yet synced" in the description of a session whose changes wait for the sync server, and nothing otherwise', () => {
    const row = renderToStaticMarkup(<SessionRow entry={entry({})} index={0} shown={false} opening={false} onOpen={() => undefined} unsynced />);
    expect(row).toMatch(new RegExp(`<span id="session-row-details-${ID}" class="session-row-details">.*<span class="unsynced-marker" data-testid="unsynced-marker" title="[^"]+">${UNSYNCED_MARKER}</span></span>`));
    expect(html(entry({}))).not.toContain(UNSYNCED_MARKER);
  });
});
