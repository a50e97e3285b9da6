import type { ProtocolService, TurnCaller } from '../../sessions/protocolService';
import type { CallInfo, OperationHandlers } from '../registrar';

/** `api.protocol.*`: thin, the registrar has already checked the caller and parsed the input. */
export function protocolHandlers(
  protocol: ProtocolService,
  currentOwner: () => string,
): Pick<OperationHandlers, 'protocol.generate' | 'protocol.cancel' | 'protocol.regenerate' | 'protocol.selectAnswer'> {
  const callerOf = (call: CallInfo): TurnCaller => ({ ownerId: currentOwner(), senderId: call.senderId, emit: call.emit });
  return {
    'protocol.generate': (input, call) => protocol.generate(input, callerOf(call)),
    'protocol.cancel': async (input, call) => ({ cancelled: protocol.cancel(input.sessionId, currentOwner(), call.senderId) }),
    'protocol.regenerate': (input, call) => protocol.regenerate(input, callerOf(call)),
    'protocol.selectAnswer': (input, call) => protocol.selectAnswer(input, callerOf(call)),
  };
}
