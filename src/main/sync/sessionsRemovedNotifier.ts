/**
 * Tells the signed-in clinician's page about sessions main shredded without the page asking — deleted on another
 * workstation (a trusted tombstone pulled) or past retention here — so the page deletes their rows at once instead of
 * finding out when it next tries to open them. Only ever about the clinician signed in *now*: sessions of a clinician
 * who locked or was switched out meanwhile are never announced to the page that now belongs to someone else.
 */
import { MAX_SESSION_IDS_PER_EVENT, type SessionsRemovedEvent, type SessionsRemovedReason } from '../../shared/sessionsRemoved';

/** See the file's comment. */
export class SessionsRemovedNotifier {
  readonly #listeners = new Set<(event: SessionsRemovedEvent) => void>();

  /** `isSignedInAs(profileId)`: that clinician is signed in now (and not being signed out). */
  constructor(private readonly isSignedInAs: (profileId: string) => boolean) {}

  /** Hears removals; returns the removal of the listener. */
  on(listener: (event: SessionsRemovedEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * `profileId`'s sessions `sessionIds` were shredded for `reason`. Dropped unless that clinician is signed in now
   * (their page is the only one that lists them); sent in chunks the event's schema takes.
   */
  notify(profileId: string, sessionIds: readonly string[], reason: SessionsRemovedReason): void {
    if (sessionIds.length === 0 || !this.isSignedInAs(profileId)) return;
    for (let start = 0; start < sessionIds.length; start += MAX_SESSION_IDS_PER_EVENT) {
      const event: SessionsRemovedEvent = { profileId, sessionIds: sessionIds.slice(start, start + MAX_SESSION_IDS_PER_EVENT), reason };
      for (const listener of this.#listeners) listener(event);
    }
  }
}
