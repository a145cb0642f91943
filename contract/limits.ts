/**
 * The contract's limits (docs/contract.md): every target enforces them, the conformance suite
 * probes them, and a runtime entry passes the WebSocket one to its server.
 */

const MiB = 1024 * 1024;

/** JSON and urlencoded bodies: exactly 1 MiB is accepted, one byte more is 413. */
export const JSON_LIMIT = MiB;
/** Multipart uploads. */
export const UPLOAD_LIMIT = 5 * MiB;
/** A WebSocket message over this closes the socket with 1009. */
export const MAX_MESSAGE_BYTES = MiB;
/** `/sse?events=N&interval_ms=M`. */
export const SSE_EVENTS = { min: 1, max: 100_000, default: 10 };
export const SSE_INTERVAL_MS = { min: 0, max: 10_000, default: 0 };
/** `/stress/cpu/{n}` and `/stress/memory/{mb}`. */
export const STRESS_CPU_N = { min: 1, max: 1_000_000 };
export const STRESS_MEMORY_MB = { min: 1, max: 256 };
