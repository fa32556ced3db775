// The modules of PlainClient's methods for a backend: a browser page that talks to createPlainProxy does not call them
// (the proxy forwards none of their operations, nor any other than plain-client's own). PlainClient loads this file
// when the first of them is called, and each function here loads its method's module then: so a page's start holds
// these methods' names, not the paths of their modules (src/client.ts, FORWARDS). Each module still loads only when
// one of its methods is first called.
import type { RequestDocument, RequestOptions } from '../request.js';
import type { Call } from './pipeline.js';

export const markThreadAsDone = async (call: Call, input: unknown) =>
  (await import('./thread-status.js')).markThreadAsDone(call, input);
export const markThreadAsTodo = async (call: Call, input: unknown) =>
  (await import('./thread-status.js')).markThreadAsTodo(call, input);
export const snoozeThread = async (call: Call, input: unknown) =>
  (await import('./thread-status.js')).snoozeThread(call, input);
export const assignThread = async (call: Call, input: unknown) =>
  (await import('./assignment.js')).assignThread(call, input);
export const unassignThread = async (call: Call, input: unknown) =>
  (await import('./assignment.js')).unassignThread(call, input);
export const addLabels = async (call: Call, input: unknown) => (await import('./labels.js')).addLabels(call, input);
export const removeLabels = async (call: Call, input: unknown) =>
  (await import('./labels.js')).removeLabels(call, input);
export const updateThreadAgentStatus = async (call: Call, input: unknown) =>
  (await import('./agent-status.js')).updateThreadAgentStatus(call, input);
export const createNote = async (call: Call, input: unknown) => (await import('./note.js')).createNote(call, input);
export const handOff = async (call: Call, input: unknown) => (await import('./hand-off.js')).handOff(call, input);
export const getCustomer = async (call: Call, input: unknown) =>
  (await import('./customer.js')).getCustomer(call, input);
export const getMyMachineUser = async (call: Call) => (await import('./machine-user.js')).getMyMachineUser(call);
export const request = async (
  call: Call,
  document: RequestDocument,
  variables: unknown,
  options: RequestOptions | null | undefined,
) => (await import('../request.js')).request(call, document, variables, options);
