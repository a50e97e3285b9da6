import { renderToStaticMarkup } from 'react-dom/server';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { appStore } from '../../stores/appStore';
import { initialState } from '../../stores/createAppStore';
import type { StoredFork } from '../../stores/history/storedSessionView';
import type { Turn } from '../../stores/turns';
import { TurnList } from './TurnList';

// The real store over the fake bridge, read directly (a server render would read zustand's initial state).
vi.mock('../../stores/appStore', async () => {
  const { createAppStore } = await import('../../stores/createAppStore');
  const { createFakeApi } = await import('../../stores/testing/fakeApi');
  const store = createAppStore(createFakeApi().api);
  return { appStore: store, useAppStore: <T,>(selector: (state: ReturnType<typeof store.getState>) => T) => selector(store.getState()) };
});

// Turn views read their turn through the frame-batched hook (client only): read the store directly here.
vi.mock('./frameBatching', async () => {
  const { appStore: store } = await import('../../stores/appStore');
  return { useFrameBatchedAppStore: <T,>(selector: (state: ReturnType<typeof store.getState>) => T) => selector(store.getState()) };
});

const turn = (turnId: string, seq: number, message: string, answer: string): Turn => ({
  key: `stored-${turnId}`,
  turnId,
  seq,
  kind: seq === 1 ? 'intake' : 'followUp',
  message,
  answer,
  status: 'complete',
  incompleteReason: null,
  nextDeltaIndex: 0,
});
const first = turn('t1', 1, '', 'ECG and troponin');
const onA = turn('a2', 2, 'SpO2 88% on air', 'Give oxygen');
const onB = turn('b2', 2, 'Lactate 4.1', 'Start fluids');
const fork = (chosen: number | null): StoredFork => ({
  commonCount: 1,
  chosen,
  branches: [
    { label: 'Triage 1', lastTurnId: 'a2', turns: [onA] },
    { label: 'Exam room 2', lastTurnId: 'b2', turns: [onB] },
  ],
});

beforeEach(() => {
  appStore.setState({ ...initialState, view: 'conversation', sessionId: 'session-1', sessionMode: 'review' });
});

describe('a session continued on two workstations, as the conversation shows it', () => {
  it('shows the shared turn once, then "Continued on two workstations" with both branches side by side, each with "Go on from here"', () => {
    appStore.setState({ turns: [first, onB], fork: fork(null) });
    const html = renderToStaticMarkup(<TurnList />);
    expect(html.match(/ECG and troponin/g)).toHaveLength(1);
    expect(html).toMatch(/<h3 id="[^"]+">Continued on two workstations<\/h3>/);
    expect(html).toContain('fork-branches fork-side-by-side');
    expect(html).toMatch(/<h4 id="[^"]+">Triage 1<\/h4>/);
    expect(html).toMatch(/<h4 id="[^"]+">Exam room 2<\/h4>/);
    expect(html).toContain('SpO2 88% on air');
    expect(html).toContain('Lactate 4.1');
    expect(html.match(/<button type="button" class="button-secondary" aria-describedby="[^"]+">Go on from here<\/button>/g)).toHaveLength(2);
  });

  it('once one is chosen, shows it as going on here and the other collapsed behind "Also continued on … — show", never dropped', () => {
    appStore.setState({ turns: [first, onA], fork: fork(0), sessionMode: 'live' });
    const html = renderToStaticMarkup(<TurnList />);
    expect(html).toContain('Triage 1 — going on here');
    expect(html).toContain('SpO2 88% on air');
    expect(html).not.toContain('fork-side-by-side');
    expect(html).toMatch(/<button type="button" class="button-quiet" aria-expanded="false" aria-controls="[^"]+">Also continued on Exam room 2 — show<\/button>/);
    // Collapsed: its turns are not shown until asked for, and it can still be chosen.
    expect(html).not.toContain('Lactate 4.1');
    expect(html.match(/>Go on from here<\/button>/g)).toHaveLength(1);
  });

  it('shows a conversation in one line as before', () => {
    appStore.setState({ turns: [first, onA], fork: null });
    const html = renderToStaticMarkup(<TurnList />);
    expect(html).not.toContain('Continued on');
    expect(html).toContain('SpO2 88% on air');
  });
});

describe('a forked session taking follow-ups before a branch was chosen', () => {
  it('shows the branch the next prompt goes on along as going on here, with the follow-up asked since, and the other collapsed', () => {
    const asked = turn('b3', 3, 'BP 85/50', 'Norepinephrine');
    appStore.setState({ turns: [first, onB, asked], fork: fork(null), sessionMode: 'live' });
    const html = renderToStaticMarkup(<TurnList />);
    expect(html).toContain('Exam room 2 — going on here');
    expect(html).toContain('BP 85/50');
    expect(html).toContain('Also continued on Triage 1 — show');
  });
});
