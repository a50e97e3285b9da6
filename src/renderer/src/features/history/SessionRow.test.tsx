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

  it("is named by the patient's age and sex and the complaint, so similar cases differ", () => {
    const row = html(entry({ title: 'Fever and fast breathing', patientLine: '3 y · F' }));
    expect(row).toContain('aria-label="3 y · F · Fever and fast breathing"');
    expect(row).toContain('<span class="session-row-patient" data-testid="session-row-patient">3 y · F</span> · Fever and fast breathing');
  });

  it("marks the search's words in the title and the excerpt; an empty excerpt (only the title matched) is left out", () => {
    const search = (snippet: string): string =>
      renderToStaticMarkup(<SessionRow entry={entry({ title: 'Fever, penicillin allergy' })} index={0} shown={false} opening={false} onOpen={() => undefined} snippet={snippet} query="penicillin" />);
    const row = search('Allergies: Penicillin (rash)');
    expect(row).toContain('Fever, <mark>penicillin</mark> allergy');
    expect(row).toContain('Allergies: <mark>Penicillin</mark> (rash)');
    expect(search('')).not.toContain('session-row-snippet');
  });

  it('says the state of the latest question: stopped, failed — and answering while this page receives it', () => {
    expect(html(entry({ sessionState: 'stopped' }))).toContain('2 turns · Stopped (incomplete)');
    expect(html(entry({ sessionState: 'failed' }))).toContain('2 turns · Failed');
    const answering = renderToStaticMarkup(<SessionRow entry={entry({ sessionState: 'unanswered' })} index={0} shown opening={false} onOpen={() => undefined} answering />);
    expect(answering).toContain('2 turns · Answering');
  });
});
