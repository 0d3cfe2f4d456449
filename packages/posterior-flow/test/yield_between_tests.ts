import { afterEach } from 'vitest';

// The training tests here (conformance fits, the 2-D fit) run tfjs synchronously for tens of
// seconds. vitest's worker must answer its runner's RPC within 60 s, and cannot while the event
// loop is blocked: on a loaded machine consecutive long tests add up to a "Timeout calling
// onTaskUpdate" error. One macrotask turn after every test lets those replies through.
afterEach(() => new Promise<void>((resolve) => setImmediate(resolve)));
