import { useCallback, useEffect, useRef, useState, type RefObject } from 'react';

/** How close to the end of the scroll area still counts as "at the latest" (sub-pixel rounding, a last line). */
const AT_END_SLACK_PX = 16;

/** The nearest ancestor that scrolls vertically: the main column's scroll area. */
function scrollAreaOf(element: HTMLElement): HTMLElement | null {
  for (let node = element.parentElement; node !== null; node = node.parentElement) {
    const { overflowY } = getComputedStyle(node);
    if (overflowY === 'auto' || overflowY === 'scroll') return node;
  }
  return null;
}

function isAtEnd(area: HTMLElement): boolean {
  return area.scrollHeight - area.scrollTop - area.clientHeight <= AT_END_SLACK_PX;
}

/** What {@link useFollowStream} gives its view. */
export interface FollowStream {
  /** Whether the view keeps the newest line in view; false once the clinician scrolled up during the stream. */
  readonly following: boolean;
  /** Scrolls to the newest line (smoothly, unless the clinician asked for reduced motion) and follows again. */
  readonly jumpToLatest: () => void;
}

/**
 * Keeps a growing answer's newest line in view while `active` (a turn streams): whenever the content below
 * `contentRef` grows, its scroll area is scrolled to the end. Scrolling up (wheel, keys, scrollbar) stops that and
 * the scroll position is then left alone; scrolling back to the end, or {@link FollowStream.jumpToLatest}, resumes.
 * Each new stream starts followed. Only the stream moves the view: opening or reading a finished session does not.
 */
export function useFollowStream(contentRef: RefObject<HTMLElement | null>, active: boolean): FollowStream {
  const [following, setFollowingState] = useState(true);
  // Read by the observers without re-subscribing on every change.
  const followingRef = useRef(true);
  const setFollowing = useCallback((value: boolean) => {
    followingRef.current = value;
    setFollowingState(value);
  }, []);

  useEffect(() => {
    const content = contentRef.current;
    const area = content === null ? null : scrollAreaOf(content);
    if (!active || content === null || area === null) return;
    setFollowing(true);
    // The view's own scrolls only ever go down (and a shrinking page is clamped to the end), so a move up is the
    // clinician's: that is what stops following, not merely being away from the end.
    let lastTop = area.scrollTop;
    const follow = (): void => {
      if (!followingRef.current) return;
      area.scrollTop = area.scrollHeight;
      lastTop = area.scrollTop;
    };
    const onScroll = (): void => {
      if (isAtEnd(area)) {
        if (!followingRef.current) setFollowing(true);
      } else if (area.scrollTop < lastTop - 1 && followingRef.current) setFollowing(false);
      lastTop = area.scrollTop;
    };
    const growth = new ResizeObserver(follow);
    growth.observe(content);
    area.addEventListener('scroll', onScroll, { passive: true });
    follow();
    return () => {
      growth.disconnect();
      area.removeEventListener('scroll', onScroll);
    };
  }, [active, contentRef, setFollowing]);

  const jumpToLatest = useCallback(() => {
    const content = contentRef.current;
    const area = content === null ? null : scrollAreaOf(content);
    setFollowing(true);
    if (area === null) return;
    const reduceMotion = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
    area.scrollTo({ top: area.scrollHeight, behavior: reduceMotion ? 'auto' : 'smooth' });
  }, [contentRef, setFollowing]);

  return { following, jumpToLatest };
}
