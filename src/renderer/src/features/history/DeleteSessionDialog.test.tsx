import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { DeleteSessionDialog } from './DeleteSessionDialog';
import { trappedFocusIndex } from './dialogFocus';

const html = (props: Partial<Parameters<typeof DeleteSessionDialog>[0]> = {}): string =>
  renderToStaticMarkup(<DeleteSessionDialog everywhere busy={false} error={null} onConfirm={() => undefined} onCancel={() => undefined} {...props} />);

describe('DeleteSessionDialog', () => {
  it('is a modal alert dialog named by its title and described by what deleting does — everywhere when sync is on', () => {
    const dialog = html();
    expect(dialog).toMatch(/role="alertdialog" aria-modal="true" aria-labelledby="([^"]+)" aria-describedby="([^"]+)"/);
    const [, titleId, warningId] = /aria-labelledby="([^"]+)" aria-describedby="([^"]+)"/.exec(dialog)!;
    expect(dialog).toContain(`<h2 id="${titleId}" class="dialog-title">Delete this session?</h2>`);
    expect(dialog).toContain(`<p id="${warningId}">Deletes this patient&#x27;s session on every workstation of the clinic. It cannot be undone.</p>`);
    // Cancel first: the safe choice is the first the keyboard reaches.
    expect(dialog.indexOf('>Cancel<')).toBeLessThan(dialog.indexOf('>Delete<'));
  });

  it('says "on this workstation" without sync, shows main’s reason as an alert, and a pressed Delete as under way', () => {
    expect(html({ everywhere: false })).toContain("Deletes this patient&#x27;s session on this workstation. It cannot be undone.");
    expect(html({ error: 'This session is open on Exam room 2.' })).toContain('role="alert" data-testid="delete-session-error">This session is open on Exam room 2.</p>');
    expect(html({ busy: true })).toContain('aria-disabled="true">Deleting…</button>');
  });
});

describe('trappedFocusIndex', () => {
  it('wraps Tab from the last control to the first and Shift+Tab from the first to the last; leaves moves inside alone', () => {
    expect(trappedFocusIndex(1, 2, false)).toBe(0);
    expect(trappedFocusIndex(0, 2, true)).toBe(1);
    expect(trappedFocusIndex(0, 3, false)).toBeNull();
    expect(trappedFocusIndex(2, 3, true)).toBeNull();
  });

  it('brings focus that left the dialog back to its first (or, backwards, last) control', () => {
    expect(trappedFocusIndex(-1, 2, false)).toBe(0);
    expect(trappedFocusIndex(-1, 2, true)).toBe(1);
    expect(trappedFocusIndex(-1, 0, false)).toBeNull();
  });
});
