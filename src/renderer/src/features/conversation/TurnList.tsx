import { useAppStore } from '../../stores/appStore';
import { ForkSection } from './ForkSection';
import { TurnView } from './TurnView';

/**
 * The session's turns in order. Selects only the count; each {@link TurnView} selects its own turn. A session
 * continued on two workstations shows the part they share here, then its branches ({@link ForkSection}).
 */
export function TurnList() {
  const count = useAppStore((s) => s.turns.length);
  const commonCount = useAppStore((s) => (s.fork === null ? null : Math.min(s.fork.commonCount, s.turns.length)));
  return (
    <div className="turns">
      {Array.from({ length: commonCount ?? count }, (_, index) => (
        <TurnView key={index} index={index} />
      ))}
      {commonCount !== null && <ForkSection />}
    </div>
  );
}
