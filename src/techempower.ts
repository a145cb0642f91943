/**
 * TechEmpower's verifier requires a `Server` header on its json, plaintext, db and query tests;
 * the four endpoints that are those tests set this one.
 */
export const SERVER = 'Hono';
