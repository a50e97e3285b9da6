import { renderToStaticMarkup } from 'react-dom/server';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { appStore } from '../../stores/appStore';
import { initialState } from '../../stores/createAppStore';
import { defaultSettingsView, LOCKED_AT_START, PROFILE_A } from '../../stores/testing/fakeApi';
import { ClinicSignInForm } from './ClinicSignInForm';
import { LockScreen } from './LockScreen';

// The real store over the fake bridge, in place of the app's one over `window.api` (and its IndexedDB history). Read
// directly: a server render would read zustand's initial state, not what each test sets.
vi.mock('../../stores/appStore', async () => {
  const { createAppStore } = await import('../../stores/createAppStore');
  const { createFakeApi } = await import('../../stores/testing/fakeApi');
  const store = createAppStore(createFakeApi().api);
  return { appStore: store, useAppStore: <T,>(selector: (state: ReturnType<typeof store.getState>) => T) => selector(store.getState()) };
});

const SYNC_URL = 'https://sync.clinic.example/';
const settingsWithSync = (syncServerUrl: string | null) => {
  const view = defaultSettingsView();
  return { ...view, values: { ...view.values, syncServerUrl } };
};

beforeEach(() => {
  appStore.setState({ ...initialState, authState: LOCKED_AT_START, profiles: [PROFILE_A], profilesLoaded: true, selfCreationAllowed: true });
});

describe('LockScreen', () => {
  it('offers "Sign in with a clinic profile" when the policy names a sync server', () => {
    appStore.setState({ settingsView: settingsWithSync(SYNC_URL) });
    const html = renderToStaticMarkup(<LockScreen />);
    expect(html).toContain('data-testid="clinic-sign-in-offer"');
    expect(html).toContain('<button type="button" class="button-secondary">Sign in with a clinic profile</button>');
  });

  it('offers it on a workstation with no profile yet, beside creating one (a new workstation of the clinic)', () => {
    appStore.setState({ settingsView: settingsWithSync(SYNC_URL), profiles: [] });
    const html = renderToStaticMarkup(<LockScreen />);
    expect(html).toContain('Create your profile');
    expect(html).toContain('Sign in with a clinic profile');
  });

  it('offers it even where IT creates the profiles (IT may have created it on the server)', () => {
    appStore.setState({ settingsView: settingsWithSync(SYNC_URL), profiles: [], selfCreationAllowed: false });
    const html = renderToStaticMarkup(<LockScreen />);
    expect(html).toContain('data-testid="ask-it"');
    expect(html).toContain('Sign in with a clinic profile');
  });

  it('does not offer it with sync off, nor before the settings are read', () => {
    appStore.setState({ settingsView: settingsWithSync(null) });
    expect(renderToStaticMarkup(<LockScreen />)).not.toContain('clinic profile');
    appStore.setState({ settingsView: null });
    expect(renderToStaticMarkup(<LockScreen />)).not.toContain('clinic profile');
  });
});

describe('ClinicSignInForm', () => {
  const html = () => renderToStaticMarkup(<ClinicSignInForm onCancel={() => undefined} />);

  it('labels both boxes, starts in the name box and lets a password manager fill them', () => {
    const form = html();
    const nameId = /<label for="([^"]+)">Name<\/label>/.exec(form)?.[1];
    const passphraseId = /<label for="([^"]+)">Passphrase<\/label>/.exec(form)?.[1];
    expect(nameId).toBeDefined();
    expect(passphraseId).toBeDefined();
    expect(form).toMatch(new RegExp(`<input id="${nameId}"[^>]*autoComplete="username"`));
    expect(form).toMatch(new RegExp(`<input id="${nameId}"[^>]*aria-describedby="[^"]+-hint"`));
    expect(form).toMatch(new RegExp(`<input id="${passphraseId}"[^>]*type="password"[^>]*autoComplete="current-password"`));
    expect(form).toMatch(/spellCheck="false"/);
    expect(form).toContain('<button type="submit" class="button-primary">Sign in</button>');
    expect(form).not.toContain('role="alert"');
  });

  it('shows main’s refusal in an alert, as unlock does (a wait after too many tries)', () => {
    appStore.setState({ authError: { code: 'FORBIDDEN', message: 'Too many failed sign-ins. Try again in 2 minutes.' } });
    expect(html()).toContain('<div class="alert" role="alert">Too many failed sign-ins. Try again in 2 minutes.</div>');
  });

  it('says it is checking, and takes no second press, while main asks the server', () => {
    appStore.setState({ authBusy: true });
    const form = html();
    expect(form).toContain('aria-busy="true"');
    expect(form).toContain('<button type="submit" class="button-primary" disabled="">Sign in</button>');
    expect(form).toContain('<p class="form-hint" role="status">Checking with the clinic sync server…</p>');
  });
});
