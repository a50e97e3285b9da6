import { useAppStore } from '../../stores/appStore';
import { TurnView } from './TurnView';

/** The session's turns in order. Selects only the count; each {@link TurnView} selects its own turn. */
export function TurnList() {
  const count = useAppStore((s) => s.turns.length);
  return (
    <div className="turns">
      {Array.from({ length: count }, (_, index) => (
        <TurnView key={index} index={index} />
      ))}
    </div>
  );
}
