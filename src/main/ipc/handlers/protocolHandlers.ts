import type { ProtocolService } from '../../sessions/protocolService';
import type { OperationHandlers } from '../registrar';

/** `api.protocol.*`: thin, the registrar has already checked the caller and parsed the input. */
export function protocolHandlers(
  protocol: ProtocolService,
  currentOwner: () => string,
): Pick<OperationHandlers, 'protocol.generate' | 'protocol.cancel'> {
  return {
    'protocol.generate': (input, call) =>
      protocol.generate(input, { ownerId: currentOwner(), senderId: call.senderId, emit: call.emit }),
    'protocol.cancel': async (input, call) => ({ cancelled: protocol.cancel(input.sessionId, currentOwner(), call.senderId) }),
  };
}
