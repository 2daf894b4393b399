// Faults the Linear double injects, each played once by the next request it applies to (optionally only a request
// for one named operation, e.g. `IssueCreate`).
//
//   timeout        hold the request for delayMs (default: until the client gives up); a request whose client left is
//                  dropped unprocessed, one still waiting afterwards is answered normally (a slow reply).
//   status         answer with an HTTP status (default 503) and a gateway's HTML page, without processing (with
//                  `headers`, e.g. a Retry-After, added to the answer).
//   lose-response  process the request (a mutation commits), then destroy the socket before any reply.
//   ratelimit      answer RATELIMITED, and keep answering it until resetInMs have passed.
export type LinearFault = (
  | { kind: 'timeout'; delayMs?: number }
  | { kind: 'status'; status?: number; delayMs?: number; headers?: Record<string, string> }
  | { kind: 'lose-response' }
  | { kind: 'ratelimit'; resetInMs: number }
) & {
  /** Only a request for this operation plays the fault. */
  operation?: string;
};

export interface LinearFaults {
  /** Queues a fault for the next request it applies to. */
  next(fault: LinearFault): LinearFaults;
  /** Faults queued and not yet played: a test that expected them to play should assert none is left. */
  pending(): readonly LinearFault[];
  clear(): void;
}

export interface FaultQueue extends LinearFaults {
  /** Removes and returns the first queued fault that applies to this operation. */
  take(operationName: string | null): LinearFault | undefined;
}

export function faultQueue(): FaultQueue {
  const queue: LinearFault[] = [];
  const faults: FaultQueue = {
    next(fault) {
      queue.push(fault);
      return faults;
    },
    pending: () => [...queue],
    clear() {
      queue.length = 0;
    },
    take(operationName) {
      const index = queue.findIndex((f) => f.operation === undefined || f.operation === operationName);
      return index === -1 ? undefined : queue.splice(index, 1)[0];
    },
  };
  return faults;
}
